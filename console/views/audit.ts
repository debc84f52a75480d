import type { AuditEvent } from '../../api-client/contract/audit';
import type { Page } from '../../api-client/contract/common';
import type { Project } from '../../api-client/contract/projects';
import type { RoleBinding } from '../../api-client/contract/role-bindings';
import type { ServiceAccount } from '../../api-client/contract/service-accounts';
import type { Token } from '../../api-client/contract/tokens';
import type { User } from '../../api-client/contract/users';
import { api, all } from '../api';
import { currentUser } from '../current-user';
import { badge, field, fmtTime, h, table } from '../dom';

/**
 * Names for the ids an audit event carries, from what the caller may list: people, service
 * accounts and their tokens and bindings, projects, the caller's own tokens. A list the caller may
 * not read leaves its ids unnamed rather than failing the page.
 */
async function namesById(): Promise<Map<string, string>> {
  const me = currentUser();
  const names = new Map<string, string>();
  const quietly = <T>(p: Promise<T[]>) => p.catch(() => [] as T[]);
  const [users, accounts, projects, bindings, mine] = await Promise.all([
    quietly(all<User>('/v1/users')),
    quietly(all<ServiceAccount>('/v1/service-accounts')),
    quietly(all<Project>('/v1/projects')),
    quietly(all<RoleBinding>('/v1/role-bindings')),
    me ? quietly(all<Token>(`/v1/users/${me.id}/tokens`)) : Promise.resolve([] as Token[]),
  ]);
  for (const u of users) names.set(u.id, `${u.name} (${u.email})`);
  if (me) names.set(me.id, `${me.name} (${me.email})`);
  for (const a of accounts) names.set(a.id, a.user_name);
  for (const p of projects) names.set(p.id, p.name);
  for (const t of mine) names.set(t.id, t.name);
  const tokenLists = await Promise.all(accounts.map((a) => quietly(all<Token>(`/v1/service-accounts/${a.id}/tokens`)).then((ts) => ts.map((t) => [t, a] as const))));
  for (const [t, a] of tokenLists.flat()) names.set(t.id, `${t.name} of ${a.user_name}`);
  for (const b of bindings) names.set(b.id, `${b.role} for ${names.get(b.service_account_id) ?? b.service_account_id}`);
  return names;
}

/** #/audit?actor_id=&target_id=: the newest events, with names for the ids the caller may list. */
export async function auditView(page: HTMLElement, params: URLSearchParams): Promise<void> {
  const q = new URLSearchParams({ limit: '200' });
  for (const k of ['actor_id', 'target_id']) {
    const v = params.get(k);
    if (v && /^[A-Za-z0-9_-]{1,64}$/.test(v)) q.set(k, v);
  }
  const [events, names] = await Promise.all([api<Page<AuditEvent>>('GET', `/v1/audit-events?${q}`).then((p) => p.items), namesById()]);
  /** The name when the id is known (deleted things keep only their id), then the type and id. */
  const who = (type: string, id: string | null) => [names.get(id ?? '') ? h('strong', {}, names.get(id ?? '') ?? '') : null, h('div', { class: 'muted' }, `${type} ${id ?? ''}`)];
  const actor = h('input', { type: 'text', value: params.get('actor_id') ?? '' });
  const target = h('input', { type: 'text', value: params.get('target_id') ?? '' });
  const filter = h(
    'form',
    { class: 'filters', role: 'search' },
    field('actor_id', 'Actor id', actor),
    field('target_id', 'Target id', target),
    h('button', { type: 'submit' }, 'Filter'),
  );
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if (actor.value.trim()) p.set('actor_id', actor.value.trim());
    if (target.value.trim()) p.set('target_id', target.value.trim());
    location.hash = `#/audit?${p}`;
  });
  page.replaceChildren(
    h('h1', {}, 'Audit log'),
    filter,
    table(
      'Audit events, newest first',
      ['Time', 'Actor', 'Action', 'Target', 'Outcome'],
      events.map((e) =>
        h(
          'tr',
          {},
          h('td', {}, fmtTime(e.time)),
          h('td', {}, ...who(e.actor.user_type, e.actor.id)),
          h('td', {}, e.action),
          h('td', {}, ...who(e.target.type, e.target.id)),
          h('td', {}, badge(e.outcome, e.outcome === 'success' ? 'on' : 'off')),
        ),
      ),
    ),
  );
}
