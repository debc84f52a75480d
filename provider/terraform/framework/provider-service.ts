import type { WardenClient } from '../../../api-client/client';
import {
  type Definition,
  type Diagnostic,
  type ResourceContext,
  type ResourceDefinition,
  type State,
  checkConfig,
  complete,
  dataSources,
  endpointProblem,
  ephemeralResources,
  isKnown,
  planChange,
  providerConfig,
  render,
  snakeName,
  exchangeOidcToken,
  resolveProviderConfig,
  resources,
  serverClock,
  verifyConnection,
  withDefaults,
  withoutWriteOnly,
  writeOnlySet,
} from '../../resources';
import { attributePath, errorDiagnostics, toProtocol, withCause } from './diagnostics';
import { tfplugin6 as tf } from '../protocol/generated/protocol';
import { decodeJsonState, decodeObject, encodeValue } from '../protocol/values';

/**
 * The tfplugin6.Provider service: each RPC decodes values, calls the one definition, encodes the
 * answer. Loaded on the first call, after the handshake (see provider-rpc.ts).
 */

const byName = <T extends Definition>(list: readonly T[]) => new Map(list.map((d) => [d.typeName, d]));
const resourceTypes = byName(resources);
const dataSourceTypes = byName(dataSources);
const ephemeralTypes = byName(ephemeralResources);

const dynamic = (value: State | null): tf.IDynamicValue => ({ msgpack: encodeValue(value) });
const diagnostics = (list: Diagnostic[]) => list.map(toProtocol);

function lookup<T extends Definition>(types: Map<string, T>, typeName: string): T {
  const def = types.get(typeName);
  if (!def) throw new Error(`terraform-provider-warden has no type "${typeName}"; upgrade the provider or check the configuration's type name.`);
  return def;
}

export interface ProviderServiceOptions {
  version: string;
  env: NodeJS.ProcessEnv;
}

export class ProviderService {
  private client: WardenClient | undefined;
  private now: (() => Promise<Date>) | undefined;

  constructor(private readonly options: ProviderServiceOptions) {}

  /** A context for one call: its warnings become that call's diagnostics. */
  private context(warnings: Diagnostic[]): ResourceContext {
    if (!this.client || !this.now) throw new Error('the provider is not configured yet: Terraform calls ConfigureProvider first');
    // A create that collides with a live object of the same name adopts it: a re-run after a lost
    // answer converges instead of failing.
    return { client: this.client, serverNow: this.now, adoptOnConflict: true, warn: (problem) => warnings.push({ severity: 'warning', ...problem }) };
  }

  validateProviderConfig(req: tf.ValidateProviderConfig.IRequest): tf.ValidateProviderConfig.IResponse {
    const config = decodeObject(req.config?.msgpack, providerConfig) ?? {};
    const found = checkConfig(providerConfig, config);
    const invalid = typeof config.endpoint === 'string' ? endpointProblem(config.endpoint) : undefined;
    if (invalid) found.push(invalid);
    return { diagnostics: diagnostics(found) };
  }

  async configureProvider(req: tf.ConfigureProvider.IRequest): Promise<tf.ConfigureProvider.IResponse> {
    const config = decodeObject(req.config?.msgpack, providerConfig) ?? {};
    if (['endpoint', 'token', 'oidc_token', 'oidc_token_file', 'service_account'].some((name) => !isKnown(config[name] ?? null))) {
      return {
        diagnostics: diagnostics([
          {
            severity: 'error',
            summary: 'Provider configuration depends on values not yet known',
            detail: '"endpoint", "token" and the oidc_* settings must be known at plan time; take them from variables or the environment, not from other resources.',
          },
        ]),
      };
    }
    const { settings, diagnostics: found } = resolveProviderConfig(config, this.options.env);
    if (!settings) return { diagnostics: diagnostics(found) };
    // Loaded here: validation-only processes never need the HTTP client.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { WardenClient: Client } = require('../../../api-client/client') as typeof import('../../../api-client/client');
    const userAgent = `terraform-provider-warden/${this.options.version} terraform/${req.terraformVersion ?? 'unknown'} node/${process.version}`;
    let token: string;
    if ('token' in settings) token = settings.token;
    else {
      // Keyless CI: the OIDC token is traded once per provider process for a short-lived token.
      const anonymous = new Client({ endpoint: settings.endpoint, userAgent });
      const exchanged = await exchangeOidcToken(anonymous, settings, this.options.env).finally(() => anonymous.close());
      if ('diagnostic' in exchanged) return { diagnostics: diagnostics([withCause(exchanged.diagnostic, exchanged.cause)]) };
      token = exchanged.token;
    }
    this.client = new Client({ endpoint: settings.endpoint, token, userAgent });
    this.now = serverClock(this.client);
    const unreachable = await verifyConnection(this.client, settings.endpoint);
    return { diagnostics: diagnostics(unreachable ? [withCause(unreachable.diagnostic, unreachable.cause)] : []) };
  }

  validateResourceConfig(req: tf.ValidateResourceConfig.IRequest): tf.ValidateResourceConfig.IResponse {
    const found = this.validate(resourceTypes, req);
    // A client that does not declare write-only support would store the value in plan and state.
    if (!req.clientCapabilities?.writeOnlyAttributesAllowed) {
      const def = lookup(resourceTypes, req.typeName ?? '');
      for (const name of writeOnlySet(def, decodeObject(req.config?.msgpack, def.attributes) ?? {})) {
        found.push({
          severity: 'error',
          summary: 'Write-only attribute not supported by this client',
          detail: `"${name}" is write-only: it is never stored, which needs a client that supports write-only attributes (Terraform 1.11 or later, OpenTofu 1.11 or later), and this one does not say it does. Upgrade, or remove "${name}" to let the server generate the secret (then kept, sensitive, in state).`,
          path: [name],
        });
      }
    }
    return { diagnostics: diagnostics(found) };
  }

  validateDataResourceConfig(req: tf.ValidateDataResourceConfig.IRequest): tf.ValidateDataResourceConfig.IResponse {
    return { diagnostics: diagnostics(this.validate(dataSourceTypes, req)) };
  }

  validateEphemeralResourceConfig(req: tf.ValidateEphemeralResourceConfig.IRequest): tf.ValidateEphemeralResourceConfig.IResponse {
    return { diagnostics: diagnostics(this.validate(ephemeralTypes, req)) };
  }

  private validate(types: Map<string, Definition>, req: { typeName?: string | null; config?: tf.IDynamicValue | null }): Diagnostic[] {
    const def = lookup(types, req.typeName ?? '');
    return checkConfig(def.attributes, decodeObject(req.config?.msgpack, def.attributes) ?? {}, def.check?.bind(def));
  }

  upgradeResourceState(req: tf.UpgradeResourceState.IRequest): tf.UpgradeResourceState.IResponse {
    const def = lookup(resourceTypes, req.typeName ?? '');
    const json = req.rawState?.json;
    return { upgradedState: dynamic(json && json.length > 0 ? decodeJsonState(json, def.attributes) : null) };
  }

  async readResource(req: tf.ReadResource.IRequest): Promise<tf.ReadResource.IResponse> {
    const def = lookup(resourceTypes, req.typeName ?? '');
    const state = decodeObject(req.currentState?.msgpack, def.attributes);
    if (!state) return { newState: dynamic(null) };
    const warnings: Diagnostic[] = [];
    try {
      const read = await def.read(this.context(warnings), state);
      return { newState: dynamic('gone' in read ? null : withoutWriteOnly(def, read.state)), diagnostics: diagnostics(warnings), private: req.private ?? null };
    } catch (err) {
      return { newState: dynamic(state), diagnostics: diagnostics([...warnings, ...errorDiagnostics(err, 'read', def)]) };
    }
  }

  async planResourceChange(req: tf.PlanResourceChange.IRequest): Promise<tf.PlanResourceChange.IResponse> {
    const def = lookup(resourceTypes, req.typeName ?? '');
    const proposed = decodeObject(req.proposedNewState?.msgpack, def.attributes);
    if (!proposed) return { plannedState: dynamic(null) };
    const prior = decodeObject(req.priorState?.msgpack, def.attributes);
    const config = decodeObject(req.config?.msgpack, def.attributes) ?? proposed;
    const warnings: Diagnostic[] = [];
    try {
      const plan = await planChange(def, this.context(warnings), prior, config);
      const label = typeof config.name === 'string' ? `${def.typeName} "${config.name}"` : def.typeName;
      for (const reason of plan.reasons) warnings.push({ severity: 'warning', ...reason, summary: (n) => `${label}: ${render(reason.summary, n)}` });
      // Write-only values are planned null: Terraform refuses a plan that would store them.
      return { plannedState: dynamic(withoutWriteOnly(def, plan.planned)), requiresReplace: plan.replace.map((name) => attributePath([name])), diagnostics: diagnostics(warnings) };
    } catch (err) {
      return { diagnostics: diagnostics([...warnings, ...errorDiagnostics(err, 'plan', def)]) };
    }
  }

  async applyResourceChange(req: tf.ApplyResourceChange.IRequest): Promise<tf.ApplyResourceChange.IResponse> {
    const def = lookup(resourceTypes, req.typeName ?? '');
    const prior = decodeObject(req.priorState?.msgpack, def.attributes);
    let planned = decodeObject(req.plannedState?.msgpack, def.attributes);
    // Write-only values reach apply in the configuration only (they are null in the plan).
    const config = decodeObject(req.config?.msgpack, def.attributes);
    if (planned && config) for (const name of writeOnlySet(def, config)) planned = { ...planned, [name]: config[name]! };
    const warnings: Diagnostic[] = [];
    // Decided as terraform-plugin-framework does: no planned state deletes, no prior state creates.
    const operation = !planned ? 'delete' : !prior ? 'create' : 'update';
    try {
      const ctx = this.context(warnings);
      let newState: State | null;
      if (!planned) {
        await def.delete(ctx, prior!);
        newState = null;
      } else if (!prior) {
        newState = await def.create(ctx, planned);
      } else {
        newState = await this.update(def, ctx, prior, planned);
      }
      return { newState: dynamic(withoutWriteOnly(def, newState)), diagnostics: diagnostics(warnings) };
    } catch (err) {
      // The object is unchanged as far as we know: keep the prior state, so nothing is lost.
      return { newState: dynamic(prior), diagnostics: diagnostics([...warnings, ...errorDiagnostics(err, operation, def)]) };
    }
  }

  private update(def: ResourceDefinition, ctx: ResourceContext, prior: State, planned: State): Promise<State> {
    if (!def.update) throw new Error(`${def.typeName} has no in-place update; every change of its arguments replaces it`);
    return def.update(ctx, prior, planned);
  }

  async importResourceState(req: tf.ImportResourceState.IRequest): Promise<tf.ImportResourceState.IResponse> {
    const def = lookup(resourceTypes, req.typeName ?? '');
    const warnings: Diagnostic[] = [];
    try {
      const state = await def.import(this.context(warnings), req.id ?? '');
      return { importedResources: [{ typeName: def.typeName, state: dynamic(withoutWriteOnly(def, state)) }], diagnostics: diagnostics(warnings) };
    } catch (err) {
      const found = errorDiagnostics(err, 'import', { typeName: def.typeName, attributes: {} });
      return {
        diagnostics: diagnostics(found.map((d) => ({ ...d, detail: `The import id of ${def.typeName} is ${def.importId}.\n\n${render(d.detail, snakeName) ?? ''}`.trim() }))),
      };
    }
  }

  async readDataSource(req: tf.ReadDataSource.IRequest): Promise<tf.ReadDataSource.IResponse> {
    const def = lookup(dataSourceTypes, req.typeName ?? '');
    const config = decodeObject(req.config?.msgpack, def.attributes) ?? {};
    try {
      const found = await def.read(this.context([]), config);
      return { state: dynamic({ ...config, ...found }) };
    } catch (err) {
      return { diagnostics: diagnostics(errorDiagnostics(err, 'read', def)) };
    }
  }

  async openEphemeralResource(req: tf.OpenEphemeralResource.IRequest): Promise<tf.OpenEphemeralResource.IResponse> {
    const def = lookup(ephemeralTypes, req.typeName ?? '');
    const config = decodeObject(req.config?.msgpack, def.attributes) ?? {};
    try {
      const opened = await def.open(this.context([]), withDefaults(def.attributes, config));
      return { result: dynamic(complete(def.attributes, opened.result)), private: Buffer.from(JSON.stringify(opened.private)) };
    } catch (err) {
      return { diagnostics: diagnostics(errorDiagnostics(err, 'open', def)) };
    }
  }

  renewEphemeralResource(): tf.RenewEphemeralResource.IResponse {
    return {};
  }

  async closeEphemeralResource(req: tf.CloseEphemeralResource.IRequest): Promise<tf.CloseEphemeralResource.IResponse> {
    const def = lookup(ephemeralTypes, req.typeName ?? '');
    try {
      await def.close(this.context([]), JSON.parse(Buffer.from(req.private ?? []).toString() || '{}') as Record<string, string>);
      return {};
    } catch (err) {
      return { diagnostics: diagnostics(errorDiagnostics(err, 'close', def)) };
    }
  }
}
