import type { Problem } from './problem';
import type { ResourceContext, ResourceDefinition, State } from './schema';
import { Unknown } from './schema';
import { sameValue } from './values';

export interface Plan {
  planned: State;
  /** Attributes whose change forces replacement (only those that do change). */
  replace: string[];
  /** Why the plan does what it does, beyond what the configuration says. */
  reasons: Problem[];
}

/**
 * The plan of a create (`prior` null) or an update, derived from the attribute declarations, then
 * refined by the resource's own `plan` (rotation, drift repair). Terraform and Pulumi both use it,
 * so the two providers plan the same change for the same inputs. Write-only attributes carry the
 * configuration's value here, for create and update to use; `withoutWriteOnly` strips them from
 * anything that is stored.
 */
export async function planChange(def: ResourceDefinition, ctx: ResourceContext, prior: State | null, config: State): Promise<Plan> {
  const planned: State = {};
  for (const [name, a] of Object.entries(def.attributes)) {
    if (a.mode === 'computed') continue;
    const given = config[name] ?? null;
    if (given !== null) planned[name] = given;
    else if (a.default !== undefined) planned[name] = a.default;
    else if (a.mode === 'optional+computed') planned[name] = prior === null ? Unknown : (prior[name] ?? null);
    else planned[name] = null;
  }
  for (const [name, a] of Object.entries(def.attributes)) {
    if (a.mode !== 'computed') continue;
    const stale = prior === null || (a.dependsOn ?? []).some((dep) => !sameValue(def.attributes[dep]!.type, planned[dep] ?? null, prior[dep] ?? null));
    planned[name] = stale ? Unknown : (prior[name] ?? null);
  }
  if (prior === null) return { planned, replace: [], reasons: [] };

  const adjusted = def.plan ? await def.plan(ctx, prior, planned, config) : { planned };
  const replace = new Set(adjusted.replace ?? []);
  for (const [name, a] of Object.entries(def.attributes)) {
    if (a.replace && !sameValue(a.type, adjusted.planned[name] ?? null, prior[name] ?? null)) replace.add(name);
  }
  return { planned: adjusted.planned, replace: [...replace], reasons: adjusted.reasons ?? [] };
}

/** Attributes whose planned value differs from the prior state (write-only ones are never in the prior state). */
export function changedAttributes(def: ResourceDefinition, prior: State, planned: State): string[] {
  return Object.entries(def.attributes)
    .filter(([name, a]) => !a.writeOnly && !sameValue(a.type, planned[name] ?? null, prior[name] ?? null))
    .map(([name]) => name);
}

/** The state or plan as it may be stored: every write-only attribute null. */
export function withoutWriteOnly(def: { attributes: ResourceDefinition['attributes'] }, state: State): State;
export function withoutWriteOnly(def: { attributes: ResourceDefinition['attributes'] }, state: State | null): State | null;
export function withoutWriteOnly(def: { attributes: ResourceDefinition['attributes'] }, state: State | null): State | null {
  if (state === null) return null;
  const out = { ...state };
  for (const [name, a] of Object.entries(def.attributes)) if (a.writeOnly) out[name] = null;
  return out;
}

/** Names of the write-only attributes set (or unknown) in a configuration. */
export function writeOnlySet(def: { attributes: ResourceDefinition['attributes'] }, config: State): string[] {
  return Object.entries(def.attributes)
    .filter(([name, a]) => a.writeOnly && (config[name] ?? null) !== null)
    .map(([name]) => name);
}
