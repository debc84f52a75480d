import type { Project } from '../../api-client/contract/projects';
import type { RoleBinding } from '../../api-client/contract/role-bindings';
import type { ServiceAccount } from '../../api-client/contract/service-accounts';
import type { Token } from '../../api-client/contract/tokens';
import { all } from '../api';
import { badge, field, fmtTime, h, table } from '../dom';
import { isName } from '../forms';

/** #/accounts?project_id=&name=: the list, filtered, with each account's roles and live tokens. */
export async function accountsView(page: HTMLElement, params: URLSearchParams): Promise<void> {
  const projects = await all<Project>('/v1/projects');
  const projectName = (id: string | null) => (id ? (projects.find((p) => p.id === id)?.name ?? id) : 'Organization');
  const q = new URLSearchParams();
  const pid = params.get('project_id');
  const name = params.get('name');
  if (pid) q.set('project_id', pid);
  if (name && isName(name)) q.set('name', name);
  const accounts = await all<ServiceAccount>(`/v1/service-accounts?${q}`);
  const rows = await Promise.all(
    accounts.map(async (a) => {
      const [bindings, tokens] = await Promise.all([all<RoleBinding>(`/v1/role-bindings?service_account_id=${a.id}`), all<Token>(`/v1/service-accounts/${a.id}/tokens`)]);
      return h(
        'tr',
        {},
        h('td', {}, h('a', { href: `#/accounts/${a.id}` }, a.display_name), ' ', badge('Service', 'service'), h('div', { class: 'muted' }, a.user_name)),
        h('td', {}, a.project_id ? `Project: ${projectName(a.project_id)}` : 'Organization'),
        h('td', {}, bindings.map((b) => b.role).join(', ') || '—'),
        h('td', {}, a.disabled ? badge('Disabled', 'off') : badge('Enabled', 'on')),
        h('td', {}, a.expires_at ? `Until ${fmtTime(a.expires_at)}` : 'No expiry'),
        h('td', {}, String(tokens.filter((t) => t.state !== 'revoked').length)),
      );
    }),
  );
  const projectSel = h('select', {}, h('option', { value: '' }, 'All'), ...projects.map((p) => h('option', { value: p.id, selected: p.id === pid }, p.name)));
  const nameIn = h('input', { type: 'search', value: name ?? '' });
  const filter = h(
    'form',
    { class: 'filters', role: 'search' },
    field('filter-project', 'Project', projectSel),
    field('filter-name', 'Name', nameIn),
    h('button', { type: 'submit' }, 'Filter'),
  );
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if (projectSel.value) p.set('project_id', projectSel.value);
    if (nameIn.value.trim()) p.set('name', nameIn.value.trim());
    location.hash = `#/accounts?${p}`;
  });
  page.replaceChildren(
    h(
      'div',
      { class: 'titlebar' },
      h('h1', {}, 'Service accounts'),
      h(
        'div',
        { class: 'actions' },
        h('a', { href: `#/export?${q}`, class: 'button' }, 'Export as code'),
        h('a', { href: '#/accounts/new', class: 'button primary' }, 'Add service account'),
      ),
    ),
    filter,
    rows.length ? table('Service accounts', ['Account', 'Scope', 'Roles', 'State', 'Lifetime', 'Tokens'], rows) : h('p', {}, 'No service accounts match.'),
  );
}
