import { planChange } from './plan';
import { type ResourceContext, type ResourceDefinition, ResourceError, type State, Unknown } from './schema';
import { sameValue } from './values';

/**
 * Takes over the live object with the declared unique name, brought to the declared values:
 * how a re-run converges after a create whose answer was lost, and Pulumi's migration path
 * (`adopt`), since Pulumi cannot import dynamic resources. A token's secret cannot be read back,
 * so adopting a token rotates it (the previous secret stays valid for overlap_seconds).
 * Undefined when nothing has that name.
 */
export async function adoptExisting(def: ResourceDefinition, ctx: ResourceContext, planned: State): Promise<State | undefined> {
  const importId = await def.find(ctx, planned);
  if (importId === undefined) return undefined;
  const prior = await def.import(ctx, importId);
  const config = Object.fromEntries(Object.entries(planned).map(([k, v]) => [k, v === Unknown ? null : v]));
  const plan = await planChange(def, ctx, prior, config);
  const differs = plan.replace.filter((name) => name !== 'status');
  if (differs.length > 0) {
    throw new ResourceError({
      summary: `Cannot adopt the existing ${def.typeName} ${importId}`,
      detail: (n) => `${differs.map((name) => n(name)).join(', ')} differ from the declared values and cannot change in place.`,
      path: [differs[0]!],
    });
  }
  ctx.warn({
    summary: `Adopted the existing ${def.typeName} ${importId}`,
    detail: 'An object with this unique name already existed (from an earlier run whose answer was lost, or made by hand); it is now managed here.',
  });
  const next: State = 'token' in def.attributes ? { ...plan.planned, token: Unknown } : plan.planned;
  const unchanged = Object.entries(def.attributes).every(([name, a]) => sameValue(a.type, next[name] ?? null, prior[name] ?? null));
  return def.update && !unchanged ? def.update(ctx, prior, next) : prior;
}

/** Create, adopting on a name conflict when the caller allows it (Terraform does; Pulumi only with `adopt`). */
export async function createOrAdopt(
  def: ResourceDefinition,
  ctx: ResourceContext,
  planned: State,
  create: () => Promise<State>,
  isConflict: (err: unknown) => boolean,
): Promise<State> {
  try {
    return await create();
  } catch (err) {
    const adopted = isConflict(err) && ctx.adoptOnConflict ? await adoptExisting(def, ctx, planned) : undefined;
    if (!adopted) throw err;
    return adopted;
  }
}
