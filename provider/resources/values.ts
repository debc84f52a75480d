import { type Attribute, type Diagnostic, type State, Unknown, type Value } from './schema';
import { type AttributePath, pathOf } from './problem';

export function isKnown(value: Value): boolean {
  if (value === Unknown) return false;
  if (Array.isArray(value)) return value.every(isKnown);
  if (value !== null && typeof value === 'object') return Object.values(value).every(isKnown);
  return true;
}

/** Maps as text with their keys in order: neither cty nor Pulumi keeps the order keys came in. */
function canonical(value: Value): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, Value>)[k]!)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Equality as the attribute's type sees it: sets ignore order, and maps the order of their keys. */
export function sameValue(type: Attribute['type'], a: Value, b: Value): boolean {
  if (type === 'set(string)' && Array.isArray(a) && Array.isArray(b)) return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
  return canonical(a) === canonical(b) && a !== Unknown && b !== Unknown;
}

/** Typed reads of a state's attribute, for resource code; unknown and null read as undefined. */
export function str(state: State, name: string): string | undefined {
  const v = state[name];
  return typeof v === 'string' ? v : undefined;
}
export function num(state: State, name: string): number | undefined {
  const v = state[name];
  return typeof v === 'number' ? v : undefined;
}
export function bool(state: State, name: string): boolean | undefined {
  const v = state[name];
  return typeof v === 'boolean' ? v : undefined;
}
export function strings(state: State, name: string): string[] | undefined {
  const v = state[name];
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'string') as string[]) : undefined;
}
function typeMatches(type: Attribute['type'], value: Value): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'bool':
      return typeof value === 'boolean';
    case 'set(string)':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' || v === Unknown);
    case 'map(string)':
      return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string' || v === Unknown);
  }
}

/**
 * Validates a configuration against the attributes: required ones present, computed-only ones
 * absent, types, each attribute's own rule, then the definition's cross-attribute rules.
 * Unknown values are accepted; they are checked again when known.
 */
export function checkConfig(attributes: Record<string, Attribute>, config: State, crossCheck?: (config: State) => Diagnostic[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const [name, a] of Object.entries(attributes)) {
    const value = config[name] ?? null;
    if (value === Unknown) continue;
    if (value === null) {
      if (a.mode === 'required')
        diagnostics.push({ severity: 'error', summary: (n) => `Missing required attribute ${n(name)}`, detail: (n) => `${n(name)} must be set: ${a.description}`, path: [name] });
      continue;
    }
    if (a.mode === 'computed') {
      diagnostics.push({ severity: 'error', summary: (n) => `${n(name)} cannot be set`, detail: (n) => `${n(name)} is computed by the server and read-only.`, path: [name] });
      continue;
    }
    if (!typeMatches(a.type, value)) {
      diagnostics.push({ severity: 'error', summary: (n) => `Invalid value for ${n(name)}`, detail: (n) => `${n(name)} must be a ${a.type}.`, path: [name] });
      continue;
    }
    if (a.validate && isKnown(value)) {
      const parsed = a.validate.safeParse(value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const path = [name, ...(issue.path as (string | number)[])];
          diagnostics.push({ severity: 'error', summary: (n) => `Invalid value for ${n(name)}`, detail: (n) => `${n(path)} ${issue.message}`, path });
        }
      }
    }
  }
  for (const key of Object.keys(config)) {
    if (!(key in attributes))
      diagnostics.push({
        severity: 'error',
        summary: (n) => `Unsupported argument ${n(key)}`,
        detail: (n) =>
          `Known arguments: ${Object.keys(attributes)
            .map((a) => n(a))
            .join(', ')}.`,
        path: [key],
      });
  }
  if (diagnostics.length === 0 && crossCheck) diagnostics.push(...crossCheck(config));
  return diagnostics;
}

/** Every attribute present, missing ones null: the shape Terraform and Pulumi state take. */
export function complete(attributes: Record<string, Attribute>, partial: Record<string, Value | undefined>): State {
  const state: State = {};
  for (const name of Object.keys(attributes)) state[name] = partial[name] ?? null;
  return state;
}

/**
 * The declared spelling of a time when it names the same instant as the server's (which writes
 * milliseconds): Terraform requires applied values to equal the configuration's.
 */
export function sameInstantAs(declared: Value | undefined, actual: string | null): string | null {
  return typeof declared === 'string' && actual !== null && Date.parse(declared) === Date.parse(actual) ? declared : actual;
}

/** Pulumi properties and CDKTF props are the camelCase of the attributes' snake_case names. */
export function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** An attribute path as a program writes it in Pulumi or CDKTF: `rotationTriggers.version`, `teams[1]`. */
export function camelPath(path: string | AttributePath): string {
  const [first, ...rest] = pathOf(path);
  return `${camel(String(first))}${rest.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}`;
}

/** The configuration with each unset attribute's declared default, as a plan would have it. */
export function withDefaults(attributes: Record<string, Attribute>, config: State): State {
  return Object.fromEntries(Object.entries(attributes).map(([name, a]) => [name, (config[name] ?? null) === null && a.default !== undefined ? a.default : (config[name] ?? null)]));
}
