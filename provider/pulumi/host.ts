import { WardenClient, isWardenError } from '../../api-client';
import {
  type AttributeNamer,
  type Problem,
  type ResourceContext,
  adoptExisting,
  camel,
  type ResourceDefinition,
  ResourceError,
  type State,
  changedAttributes,
  checkConfig,
  exchangeOidcToken,
  fieldPath,
  planChange,
  render,
  resolveProviderConfig,
  resources,
  serverClock,
  verifyConnection,
} from '../resources';
import { EngineLog } from './engine-log';
import { configOf, outputsOf, propertyName, stackConfigKey, stackConfigName, stateOf } from './names';

/**
 * What the serialized providers call inside Pulumi's dynamic-provider host. It is required by
 * its package subpath at run time, so nothing here (the client, the credentials, zod schemas)
 * is ever captured into the serialized text that Pulumi stores in the stack's state.
 */

type Inputs = Record<string, unknown>;
interface ConfigLike {
  get(key: string): unknown;
}

let settings: State = { endpoint: null, token: null };
let context: Promise<ResourceContext> | undefined;
/** The engine starts the host as `<host> <engine address>`. */
const engineLog = new EngineLog(process.argv[2]);

/**
 * Stack config `warden:endpoint` and `warden:token` (a secret), or for keyless CI `warden:oidcToken`
 * (a secret), `warden:oidcTokenFile` and `warden:serviceAccount`; the environment fills the gaps.
 */
export function configure(config: ConfigLike): void {
  const value = (key: string) => {
    const v = config.get(key);
    return typeof v === 'string' && v !== '' ? v : null;
  };
  settings = {
    endpoint: value('warden:endpoint'),
    token: value('warden:token'),
    oidc_token: value('warden:oidcToken'),
    oidc_token_file: value('warden:oidcTokenFile'),
    service_account: value('warden:serviceAccount'),
  };
  context = undefined;
}

/** The server's words behind a failure, with its code and request id. */
function causeText(err: unknown): string {
  if (!isWardenError(err)) return err instanceof Error ? err.message : String(err);
  return `${err.description} (${err.code}${err.requestId ? `, request id ${err.requestId}` : ''})`;
}

/** A problem as one sentence in the program's terms, and the error behind it if there is one. */
function sentence(problem: Problem, name: AttributeNamer, cause?: unknown): string {
  const summary = render(problem.summary, name);
  const detail = render(problem.detail, name);
  return `${summary}${detail ? `: ${detail}` : ''}${cause === undefined ? '' : ` Original error: ${causeText(cause)}`}`;
}

async function connect(): Promise<ResourceContext> {
  const { settings: resolved, diagnostics } = resolveProviderConfig(settings, process.env);
  if (!resolved) {
    const problems = diagnostics.map((d) => {
      const key = stackConfigKey(d.path?.[0]);
      // A missing setting: the stack config key or the environment variable that would set it.
      return d.env
        ? `${render(d.summary, stackConfigName)}: set the stack config "${key}" or ${d.env}`
        : `${render(d.summary, stackConfigName)} (stack config "${key}"): ${render(d.detail, stackConfigName) ?? ''}`;
    });
    throw new Error(problems.join('; '));
  }
  let token: string;
  if ('token' in resolved) token = resolved.token;
  else {
    // Keyless CI: the OIDC token is traded once per host process for a short-lived token.
    const anonymous = new WardenClient({ endpoint: resolved.endpoint, userAgent: 'warden-iac-pulumi' });
    const exchanged = await exchangeOidcToken(anonymous, resolved).finally(() => anonymous.close());
    if ('diagnostic' in exchanged) throw new Error(sentence(exchanged.diagnostic, stackConfigName, exchanged.cause));
    token = exchanged.token;
  }
  const client = new WardenClient({ endpoint: resolved.endpoint, token, userAgent: 'warden-iac-pulumi' });
  const failure = await verifyConnection(client, resolved.endpoint);
  if (failure) {
    await client.close();
    throw new Error(sentence(failure.diagnostic, stackConfigName, failure.cause));
  }
  const warn = (problem: Problem) => engineLog.warn(sentence(problem, propertyName));
  // A name conflict is an error here: taking an object over is what `adopt` says explicitly.
  return { client, serverNow: serverClock(client), warn, adoptOnConflict: false };
}

function connected(): Promise<ResourceContext> {
  context ??= connect().catch((err: unknown) => {
    context = undefined;
    throw err;
  });
  return context;
}

function definition(typeName: string): ResourceDefinition {
  const def = resources.find((r) => r.typeName === typeName);
  if (!def) throw new Error(`unknown Warden resource type ${typeName}`);
  return def;
}

/** Errors reach the user as one message in the program's own terms, never with a stack of internals. */
async function surfaced<T>(def: ResourceDefinition, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ResourceError) throw new Error(sentence(err.problem, propertyName, err.cause));
    if (isWardenError(err)) {
      // Field errors the server names on this resource's attributes, under their property names.
      const fields = (err.problem?.errors ?? []).filter((e) => String(fieldPath(e.path)[0]) in def.attributes);
      if (fields.length === 0) throw new Error(causeText(err));
      const refused = fields.map((e) => `${propertyName(fieldPath(e.path))} ${e.message}`).join('; ');
      throw new Error(`The server refused ${refused}. Original error: ${causeText(err)}`);
    }
    throw err;
  } finally {
    // Warnings reach the engine before the operation's answer does.
    await engineLog.flush();
  }
}

export async function check(typeName: string, news: Inputs): Promise<{ inputs: Inputs; failures: { property: string; reason: string }[] }> {
  const def = definition(typeName);
  const diagnostics = checkConfig(def.attributes, configOf(def, news), def.check);
  const failures = diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => ({
      property: d.path?.[0] !== undefined ? camel(String(d.path[0])) : '',
      reason: render(d.detail ?? d.summary, propertyName),
    }));
  if (news.adopt !== undefined && typeof news.adopt !== 'boolean') failures.push({ property: 'adopt', reason: '"adopt" must be a boolean.' });
  return { inputs: news, failures };
}

export function diff(typeName: string, id: string, olds: Inputs, news: Inputs) {
  const def = definition(typeName);
  return surfaced(def, async () => {
    const ctx = await connected();
    const prior = stateOf(def, id, olds);
    const plan = await planChange(def, ctx, prior, configOf(def, news));
    const changed = changedAttributes(def, prior, plan.planned);
    // Why the change happens beyond the inputs (a rotation, a drift repair), shown in the preview.
    const label = typeof news.name === 'string' ? `${def.typeName} "${news.name}"` : `${def.typeName} ${id}`;
    for (const reason of plan.reasons) engineLog.info(`${label}: ${sentence(reason, propertyName)}`);
    // Warden names are unique, so a replacement must delete the old object first.
    return { changes: changed.length > 0, replaces: plan.replace.map(camel), deleteBeforeReplace: true };
  });
}

export function create(typeName: string, inputs: Inputs) {
  const def = definition(typeName);
  return surfaced(def, async () => {
    const ctx = await connected();
    const config = configOf(def, inputs);
    const { planned } = await planChange(def, ctx, null, config);
    const adopted = inputs.adopt === true ? await adoptExisting(def, ctx, planned) : undefined;
    const state = adopted ?? (await def.create(ctx, planned));
    return { id: String(state.id), outs: outputsOf(def, state) };
  });
}

export function read(typeName: string, id: string, props: Inputs | undefined) {
  const def = definition(typeName);
  return surfaced(def, async () => {
    const ctx = await connected();
    const known = Object.keys(props ?? {}).some((k) => k !== '__provider');
    // `Xxx.get(name, id)` without state: read the object as an import by id would.
    if (!known) {
      const imported = await def.import(ctx, id);
      return { id: String(imported.id), props: outputsOf(def, imported) };
    }
    const result = await def.read(ctx, stateOf(def, id, props!));
    // An empty id tells the engine the object is gone: refresh drops it and the next update creates it.
    if ('gone' in result) return { id: '', props: {} };
    return { id, props: outputsOf(def, result.state) };
  });
}

/** Rotation and drift repair are planned again here, from the same inputs the diff saw. */
export function update(typeName: string, id: string, olds: Inputs, news: Inputs) {
  const def = definition(typeName);
  return surfaced(def, async () => {
    if (!def.update) throw new Error(`${def.typeName} cannot change in place; every change replaces it`);
    const ctx = await connected();
    const prior = stateOf(def, id, olds);
    const plan = await planChange(def, ctx, prior, configOf(def, news));
    return { outs: outputsOf(def, await def.update(ctx, prior, plan.planned)) };
  });
}

export function remove(typeName: string, id: string, props: Inputs) {
  const def = definition(typeName);
  return surfaced(def, async () => {
    const ctx = await connected();
    await def.delete(ctx, stateOf(def, id, props));
  });
}
