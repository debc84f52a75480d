import { type ResourceContext, type ResourceDefinition, type State, Unknown, planChange, sameValue } from '../resources';
import { camel } from './names';

/**
 * Pulumi cannot import dynamic resources, so `adopt: true` is the migration path: create takes
 * over the live object with the declared unique name instead of creating one.
 */

type Finder = (ctx: ResourceContext, planned: State) => Promise<string | undefined>;

const text = (state: State, name: string) => (typeof state[name] === 'string' ? (state[name] as string) : null);

/** Import ids (as the definitions' `import` takes them) of the live objects with the declared unique name. */
const finders: Record<string, Finder> = {
  async warden_service_account(ctx, planned) {
    const name = text(planned, 'name')!;
    const projectId = text(planned, 'project_id');
    const page = await ctx.client.listServiceAccounts({ name, ...(projectId ? { project_id: projectId } : {}) });
    return page.items.find((sa) => sa.name === name && sa.project_id === projectId)?.id;
  },
  async warden_role_binding(ctx, planned) {
    const serviceAccountId = text(planned, 'service_account_id')!;
    const projectId = text(planned, 'project_id');
    for await (const b of ctx.client.paginate('listRoleBindings', { service_account_id: serviceAccountId })) {
      if (b.role === text(planned, 'role') && b.project_id === projectId) return b.id;
    }
    return undefined;
  },
  async warden_token(ctx, planned) {
    const serviceAccountId = text(planned, 'service_account_id')!;
    let pageToken: string | undefined;
    do {
      const page = await ctx.client.listServiceAccountTokens(serviceAccountId, pageToken ? { page_token: pageToken } : {});
      const live = page.items.find((t) => t.name === text(planned, 'name') && (t.state === 'active' || t.state === 'disabled'));
      if (live) return `${serviceAccountId}/${live.id}`;
      pageToken = page.next_page_token ?? undefined;
    } while (pageToken);
    return undefined;
  },
};

/** The adopted object's state brought to the configuration, or undefined when nothing has that name. */
export async function adoptExisting(def: ResourceDefinition, ctx: ResourceContext, planned: State, config: State): Promise<State | undefined> {
  const importId = await finders[def.typeName]!(ctx, planned);
  if (importId === undefined) return undefined;
  const prior = await def.import(ctx, importId);
  const plan = await planChange(def, ctx, prior, config);
  const differs = plan.replace.filter((name) => name !== 'status');
  if (differs.length > 0) {
    throw new Error(`cannot adopt the existing ${def.typeName} ${importId}: ${differs.map(camel).join(', ')} differ from the declared values and cannot change in place`);
  }
  ctx.warn(`Adopted the existing ${def.typeName} ${importId}`, 'It is now managed by this stack.');
  // A token's secret cannot be read back: adopting it regenerates the secret, and the previous
  // one stays valid for overlapSeconds so that its current users can switch.
  const next: State = def.typeName === 'warden_token' ? { ...plan.planned, token: Unknown } : plan.planned;
  const unchanged = Object.entries(def.attributes).every(([name, a]) => sameValue(a.type, next[name] ?? null, prior[name] ?? null));
  return def.update && !unchanged ? def.update(ctx, prior, next) : prior;
}
