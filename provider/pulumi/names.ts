// The SDK's own markers for unknown and secret values, as the dynamic-provider host passes them.
import { isRpcSecret, unknownValue, unwrapRpcSecret } from '@pulumi/pulumi/runtime/rpc';
import { type Attribute, type AttributeNamer, type ResourceDefinition, type State, Unknown, type Value, camel, camelPath, complete, pathOf } from '../resources';

/** Inputs Pulumi adds or the Pulumi face adds, which are not attributes of the definition. */
const NOT_ATTRIBUTES = new Set(['__provider', 'adopt']);

/**
 * Output names: the camelCase of the attributes, without `id`, which is the resource's own id
 * (Pulumi reserves it), and without write-only ones, which are inputs only.
 */
export function propertyNames(def: ResourceDefinition): string[] {
  return Object.entries(def.attributes)
    .filter(([name, a]) => name !== 'id' && !a.writeOnly)
    .map(([name]) => camel(name));
}

function fromPulumi(value: unknown): Value {
  if (value === unknownValue) return Unknown;
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(fromPulumi);
  // Secrecy is the engine's to keep (the outputs say which are secret); the definitions see plain values.
  if (isRpcSecret(value)) return fromPulumi(unwrapRpcSecret(value));
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromPulumi(v)]));
  return value as Value;
}

/**
 * The configuration a program's inputs declare: attributes under their snake_case names, unset
 * ones absent. Unknown names are kept so that checkConfig reports them.
 */
export function configOf(def: ResourceDefinition, inputs: Record<string, unknown>): State {
  const byProperty = new Map(Object.keys(def.attributes).map((name) => [camel(name), name]));
  const config: State = {};
  for (const [key, value] of Object.entries(inputs)) {
    if (NOT_ATTRIBUTES.has(key) || value === undefined) continue;
    config[byProperty.get(key) ?? key] = fromPulumi(value);
  }
  return config;
}

/** The full state from a resource's outputs and its id. */
export function stateOf(def: ResourceDefinition, id: string | undefined, outputs: Record<string, unknown>): State {
  const state = complete(def.attributes, configOf(def, outputs));
  if (id) state.id = id;
  return state;
}

/**
 * Outputs are the whole state in camelCase, so every diffed input is echoed back; write-only
 * inputs never are (Pulumi has no write-only: `secretWo` stays an input, encrypted as a secret).
 */
export function outputsOf(def: ResourceDefinition, state: State): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(def.attributes)) {
    if (name === 'id' || a.writeOnly) continue;
    const value = state[name] ?? null;
    if (value === Unknown) throw new Error(`${def.typeName}: "${camel(name)}" is still unknown after apply`);
    outputs[camel(name)] = value;
  }
  return outputs;
}

/**
 * Descriptions from the definitions name attributes in snake_case, quoted or not; the Pulumi
 * classes' docs use the camelCase. Whole words only: `secret_wo` stays apart from `secret_wo_version`.
 */
export function docInPulumiTerms(text: string, attributes: Record<string, Attribute>): string {
  const snake = Object.keys(attributes).filter((name) => camel(name) !== name);
  if (snake.length === 0) return text;
  return text.replace(new RegExp(`\\b(?:${snake.join('|')})\\b`, 'g'), (name) => camel(name));
}

/** Attributes named in messages as Pulumi users know them: `"rotationTriggers"`. */
export const propertyName: AttributeNamer = (path) => `"${camelPath(path)}"`;

/** The stack config key of a provider setting: `warden:oidcTokenFile`. */
export const stackConfigKey = (setting: string | number | undefined): string => `warden:${camel(String(setting))}`;

/** Provider settings named in messages as stack config: `"warden:endpoint"`. */
export const stackConfigName: AttributeNamer = (path) => `"${stackConfigKey(pathOf(path)[0])}"`;
