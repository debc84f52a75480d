import { type WardenError, isWardenError } from '../../../api-client/errors';
import { type Attribute, type AttributePath, type Diagnostic, ResourceError, fieldPath, render, snakeName } from '../../resources';
import { tfplugin6 } from '../protocol/generated/protocol';

type Step = tfplugin6.AttributePath.IStep;

export function attributePath(path: AttributePath): tfplugin6.IAttributePath {
  return {
    steps: path.map((p, i): Step => (typeof p === 'number' ? { elementKeyInt: p } : i === 0 ? { attributeName: p } : { elementKeyString: p })),
  };
}

export function toProtocol(d: Diagnostic): tfplugin6.IDiagnostic {
  return {
    severity: d.severity === 'error' ? tfplugin6.Diagnostic.Severity.ERROR : tfplugin6.Diagnostic.Severity.WARNING,
    summary: render(d.summary, snakeName),
    detail: render(d.detail, snakeName) ?? '',
    ...(d.path ? { attribute: attributePath(d.path) } : {}),
  };
}

/** What the provider was doing when it failed: the verb of "Unable to create warden_token". */
export type Operation = 'create' | 'read' | 'update' | 'delete' | 'import' | 'plan' | 'open' | 'close';

/** The server's words and the request id (once), as the last paragraphs of a detail. */
function original(err: unknown): string {
  if (!isWardenError(err)) return `Original error: ${err instanceof Error ? err.message : String(err)}`;
  return `Original error: ${err.description} (${err.code})${err.requestId ? `\n\nRequest id: ${err.requestId}` : ''}`;
}

/** A diagnostic the definitions made about a failure, with the server's words and request id (when there is a cause) after its detail. */
export function withCause(d: Diagnostic, cause: unknown): Diagnostic {
  const detail = [render(d.detail, snakeName), cause === undefined ? undefined : original(cause)].filter(Boolean).join('\n\n');
  return { ...d, detail: detail || undefined };
}

/** What to do next about a refusal the resource did not explain itself, by what kind of refusal it is. */
function nextStep(err: WardenError, operation: Operation, typeName: string): string {
  switch (err.status) {
    case 401:
      return 'The server does not accept the provider\'s credentials: check "token" (WARDEN_TOKEN) or the OIDC settings; the token may be expired, revoked or disabled.';
    case 403:
      return `The provider's token may not ${operation} ${typeName}. Grant its service account a role binding with the permission named below, or use a token that has it.`;
    case 404:
      return `Something this ${typeName} refers to does not exist on the server. Check the ids in its configuration.`;
    case 409:
      return 'The server holds something that conflicts with this change, described below. Resolve the conflict (or import the existing object), then apply again.';
    case 412:
      return 'The object changed on the server during this run. Run "terraform plan" again to see it as it is now.';
    case 429:
      return 'The server is limiting the rate of requests. Wait a moment, then run again.';
  }
  if (err.status === undefined || err.status >= 500) {
    return 'The Warden server could not be reached or failed to answer. Check that it is up, then run again; if it keeps failing, quote the id below to its operators.';
  }
  return `The server refused to ${operation} ${typeName}, for the reason below. Correct the configuration, then run again.`;
}

/**
 * Any failure as diagnostics in terraform-plugin-framework's shape: "Unable to create
 * warden_token", a detail that says what to do next, then "Original error: ..." and the request
 * id. Field errors of the server point at the attributes they name, one diagnostic each; nothing
 * leaks a stack trace into the user's terminal.
 */
export function errorDiagnostics(err: unknown, operation: Operation, def: { typeName: string; attributes: Record<string, Attribute> }): Diagnostic[] {
  const summary = `Unable to ${operation} ${def.typeName}`;
  if (err instanceof ResourceError) return [withCause({ severity: 'error', ...err.problem }, err.cause)];
  if (isWardenError(err)) {
    const fields = (err.problem?.errors ?? []).filter((e) => String(fieldPath(e.path)[0]) in def.attributes);
    if (fields.length > 0) {
      return fields.map((e) => ({
        severity: 'error',
        summary,
        detail: `The server refused the value of ${snakeName(fieldPath(e.path))}: ${e.message}. Change it in the configuration, then apply again.\n\n${original(err)}`,
        path: fieldPath(e.path),
      }));
    }
    return [{ severity: 'error', summary, detail: `${nextStep(err, operation, def.typeName)}\n\n${original(err)}` }];
  }
  return [
    {
      severity: 'error',
      summary,
      detail: `An unexpected error occurred while trying to ${operation} ${def.typeName}. Please report this issue to the maintainers of terraform-provider-warden.\n\n${original(err)}`,
    },
  ];
}
