// Synth-time checks of construct props with the provider's own attribute rules (provider/resources),
// reported under the construct's camelCase prop names.
import { Token } from 'cdktf';
import { type AttributeNamer, type AttributePath, type State, type Value, Unknown, camelPath, checkConfig, dataSources, render, resources } from '../provider/resources';

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
  const prop = (path: string | AttributePath) => `${prefix}${camelPath(path)}`;
  const quoted: AttributeNamer = (path) => `"${prop(path)}"`;
  return checkConfig(def.attributes, config, def.check).map((d) => {
    const path = d.path?.length ? prop(d.path) : prefix.replace(/\.$/, '') || typeName;
    // Details start with the attribute's own name ("teams[1]" must be ...), which the path already says.
    const text = render(d.detail ?? d.summary, quoted);
    const own = d.path?.length ? `${quoted(d.path)} ` : undefined;
    return `${path}: ${own && text.startsWith(own) ? text.slice(own.length) : text}`;
  });
}
