import type { ResourceContext, ResourceDefinition, State } from './schema';
import { Unknown } from './schema';
import { sameValue } from './values';

export interface Plan {
  planned: State;
  /** Attributes whose change forces replacement (only those that do change). */
  replace: string[];
  /** Why the plan does what it does, beyond what the configuration says. */
  reasons: string[];
}

/**
 * The plan of a create (`prior` null) or an update, derived from the attribute declarations, then
 * refined by the resource's own `plan` (rotation, drift repair). Terraform and Pulumi both use it,
 * so the two providers plan the same change for the same inputs.
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

/** Attributes whose planned value differs from the prior state. */
export function changedAttributes(def: ResourceDefinition, prior: State, planned: State): string[] {
  return Object.entries(def.attributes)
    .filter(([name, a]) => !sameValue(a.type, planned[name] ?? null, prior[name] ?? null))
    .map(([name]) => name);
}
