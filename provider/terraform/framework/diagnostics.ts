import { isWardenError } from '../../../api-client/errors';
import { type Diagnostic, ResourceError } from '../../resources';
import { tfplugin6 } from '../protocol/generated/protocol';

type Step = tfplugin6.AttributePath.IStep;

export function attributePath(path: (string | number)[]): tfplugin6.IAttributePath {
  return {
    steps: path.map((p, i): Step => (typeof p === 'number' ? { elementKeyInt: p } : i === 0 ? { attributeName: p } : { elementKeyString: p })),
  };
}

export function toProtocol(d: Diagnostic): tfplugin6.IDiagnostic {
  return {
    severity: d.severity === 'error' ? tfplugin6.Diagnostic.Severity.ERROR : tfplugin6.Diagnostic.Severity.WARNING,
    summary: d.summary,
    detail: d.detail ?? '',
    ...(d.path ? { attribute: attributePath(d.path) } : {}),
  };
}

/**
 * Any failure as one diagnostic: the server's field errors point at the attribute they name, and
 * nothing leaks a stack trace into the user's terminal.
 */
export function errorDiagnostics(err: unknown, attributes: Record<string, unknown>): Diagnostic[] {
  if (err instanceof ResourceError) return [{ severity: 'error', summary: err.message, ...(err.detail ? { detail: err.detail } : {}), ...(err.path ? { path: err.path } : {}) }];
  if (isWardenError(err)) {
    const fields = (err.problem?.errors ?? []).filter((e) => e.path.split('.')[0]! in attributes);
    if (fields.length > 0) return fields.map((e) => ({ severity: 'error', summary: `Invalid value for "${e.path}"`, detail: `${e.path} ${e.message}`, path: e.path.split('.') }));
    return [{ severity: 'error', summary: err.message, detail: `Error code ${err.code}${err.requestId ? `, request id ${err.requestId}` : ''}.` }];
  }
  return [{ severity: 'error', summary: 'Unexpected error in terraform-provider-warden', detail: err instanceof Error ? err.message : String(err) }];
}
