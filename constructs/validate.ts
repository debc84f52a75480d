// Synth-time checks of construct props with the provider's own attribute rules (provider/resources),
// reported under the construct's camelCase prop names.
import { Token } from 'cdktf';
import { type State, type Value, Unknown, camel, checkConfig, dataSources, resources } from '../provider/resources';

/** A prop as the definitions see it: unresolved tokens (references, variables) are unknown until apply. */
function toValue(value: unknown): Value {
  if (value === undefined || value === null) return null;
  if (Token.isUnresolved(value)) return Unknown;
  if (Array.isArray(value)) return value.map(toValue);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toValue(v)]));
  return value as Value;
}

/**
 * Messages for every rule `props` (snake_case attribute -> prop value) breaks, each starting with
 * the prop's path, e.g. `token.rotateBeforeDays: ...`. `unknown` lists attributes set from
 * references, which are checked when Terraform knows them.
 */
export function checkProps(typeName: string, prefix: string, props: Record<string, unknown>, unknown: string[] = []): string[] {
  const def = [...resources, ...dataSources].find((d) => d.typeName === typeName);
  if (!def) throw new Error(`no definition for ${typeName}`);
  const config: State = {};
  for (const name of Object.keys(def.attributes)) config[name] = unknown.includes(name) ? Unknown : toValue(props[name]);
  const prop = (name: string) => `${prefix}${camel(name)}`;
  return checkConfig(def.attributes, config, def.check).map((d) => {
    const [first, ...rest] = d.path ?? [];
    const path = first === undefined ? prefix.replace(/\.$/, '') || typeName : prop(String(first)) + rest.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
    // Details start with the attribute's own path ("teams.1" ...) and quote other attributes
    // ("max_age_days"): say them as the props users wrote.
    const raw = d.detail ?? d.summary;
    const own = `"${(d.path ?? []).join('.')}" `;
    const text = (raw.startsWith(own) ? raw.slice(own.length) : raw).replace(/"([a-z_]+)"/g, (whole, name: string) => (name in def.attributes ? `"${prop(name)}"` : whole));
    return `${path}: ${text}`;
  });
}
