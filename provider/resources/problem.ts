/**
 * What the definitions tell the user (config problems, plan reasons, refusals), as structure
 * rather than finished text: each face spells attribute names its own way (Terraform's
 * snake_case, Pulumi's and CDKTF's camelCase, Pulumi's `warden:` stack config keys) by rendering
 * the text with its own namer, so no face rewrites a message after the fact.
 */

/** An attribute path, e.g. ['rotation_triggers', 'version'] or ['teams', 1]. */
export type AttributePath = (string | number)[];

/** How a face names an attribute inside a sentence, quotes included. */
export type AttributeNamer = (path: string | AttributePath) => string;

/** Text that may name attributes: a plain string, or a sentence built with the face's namer. */
export type Text = string | ((name: AttributeNamer) => string);

export interface Problem {
  summary: Text;
  detail?: Text;
  /** The attribute the problem is about. */
  path?: AttributePath;
  /** A provider setting that is missing: the environment variable that can set it instead. */
  env?: string;
}

export function render(text: Text, name: AttributeNamer): string;
export function render(text: Text | undefined, name: AttributeNamer): string | undefined;
export function render(text: Text | undefined, name: AttributeNamer): string | undefined {
  return typeof text === 'function' ? text(name) : text;
}

export const pathOf = (path: string | AttributePath): AttributePath => (typeof path === 'string' ? [path] : path);

/** The definitions' own spelling, as Terraform and HCL show it: `"rotation_triggers"`, `"teams.1"`. */
export const snakeName: AttributeNamer = (path) => `"${pathOf(path).join('.')}"`;

/** Field paths as the server names them (`teams.0`), as attribute paths (['teams', 0]). */
export function fieldPath(serverPath: string): AttributePath {
  return serverPath.split('.').map((step) => (/^\d+$/.test(step) ? Number(step) : step));
}
