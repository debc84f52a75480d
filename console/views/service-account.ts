// #/accounts/<id>: one service account, its facts, edit / disable / delete, and its tokens.
import { TEAMS } from '../../api-client/contract/limits';
import type { Project } from '../../api-client/contract/projects';
import type { RoleBinding } from '../../api-client/contract/role-bindings';
import type { Role } from '../../api-client/contract/roles';
import type { ServiceAccount } from '../../api-client/contract/service-accounts';
import { api, all } from '../api';
import { announce, badge, confirmDialog, field, fmtTime, h, openDialog, showFieldErrors } from '../dom';
import { NAME_MSG, isName, dateToIso, localErrors, reportError, teamsOf } from '../forms';
import { navigate, rerender } from '../navigation';

import { tokenSection } from './tokens';

export async function accountView(page: HTMLElement, id: string): Promise<void> {
  const [account, bindings, projects, roles] = await Promise.all([
    api<ServiceAccount>('GET', `/v1/service-accounts/${id}`),
    all<RoleBinding>(`/v1/role-bindings?service_account_id=${id}`),
    all<Project>('/v1/projects'),
    all<Role>('/v1/roles'),
  ]);
  const base = `/v1/service-accounts/${id}/tokens`;
  const scope = account.project_id ? `Project: ${projects.find((p) => p.id === account.project_id)?.name ?? account.project_id}` : 'Organization';
  page.replaceChildren(
    h('p', {}, h('a', { href: '#/accounts' }, '← Service accounts')),
    h('div', { class: 'titlebar' }, h('h1', {}, account.display_name, ' ', badge('Service', 'service')), account.disabled ? badge('Disabled', 'off') : badge('Enabled', 'on')),
    h(
      'dl',
      { class: 'facts' },
      ...[
        ['User name', account.user_name],
        ['Scope', scope],
        ['Roles', bindings.map((b) => b.role).join(', ') || '—'],
        ['Teams', account.teams.join(', ')],
        ['Lifetime', account.expires_at ? `Until ${fmtTime(account.expires_at)}` : 'No expiry'],
        ['Networks', account.allowed_cidrs.length ? account.allowed_cidrs.join(', ') : 'Anywhere'],
        ['Description', account.description || '—'],
      ].flatMap(([k, v]) => [h('dt', {}, k ?? ''), h('dd', {}, v ?? '')]),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', onclick: () => editDialog(account, bindings, roles) }, 'Edit'),
      h('a', { href: `#/export?account=${encodeURIComponent(id)}`, class: 'button' }, 'Export as code'),
      h(
        'button',
        {
          type: 'button',
          onclick: () =>
            void api('PATCH', `/v1/service-accounts/${id}`, { disabled: !account.disabled })
              .then(() => {
                void rerender();
                announce(`Account ${account.disabled ? 'enabled' : 'disabled'}.`);
              })
              .catch((e: Error) => announce(e.message, 'error')),
        },
        account.disabled ? 'Enable account' : 'Disable account',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: () =>
            confirmDialog(
              `Delete service account "${account.name}"?`,
              'Every token of this account stops working at once and its role bindings are removed. This cannot be undone.',
              'Delete',
              async () => {
                await api('DELETE', `/v1/service-accounts/${id}`);
                navigate('#/accounts', `Service account ${account.name} deleted.`);
              },
            ),
        },
        'Delete account',
      ),
    ),
    ...tokenSection(base, h('h2', {}, 'Tokens')),
  );
}

function editDialog(account: ServiceAccount, bindings: RoleBinding[], roles: Role[]): void {
  const name = h('input', { type: 'text', value: account.name });
  const display = h('input', { type: 'text', value: account.display_name });
  const description = h('textarea', { rows: 2 });
  description.value = account.description;
  const current = bindings[0]?.role ?? '';
  const role = h('select', {}, h('option', { value: '' }, 'No role'), ...roles.map((r) => h('option', { value: r.name, selected: r.name === current }, r.name)));
  const teams = h('input', { type: 'text', value: account.teams.filter((t) => t !== TEAMS.always).join(', ') });
  const lifetime = h('input', { type: 'date', value: account.expires_at ? account.expires_at.slice(0, 10) : '' });
  const form = h(
    'div',
    {},
    h('div', { class: 'form-error', role: 'alert' }),
    field('name', 'Name', name),
    field('display_name', 'Display name', display),
    field('description', 'Description', description),
    field('role', 'Role', role),
    field('teams', 'Teams (comma separated; "public" always included)', teams),
    field('expires_at', 'Account lifetime ends (empty: none)', lifetime),
  );
  openDialog(`Edit ${account.name}`, form, (close) => [
    h('button', { type: 'button', onclick: () => close() }, 'Cancel'),
    h(
      'button',
      {
        type: 'button',
        class: 'primary',
        onclick: () => {
          const errs = localErrors(
            { name: name.value, display_name: display.value },
            {
              name: (v) => (isName(v) ? null : NAME_MSG),
              display_name: (v) => (v.trim() ? null : 'is required'),
            },
          );
          showFieldErrors(form, errs);
          if (errs.size) return;
          void (async () => {
            try {
              await api('PATCH', `/v1/service-accounts/${account.id}`, {
                name: name.value,
                display_name: display.value.trim(),
                description: description.value,
                teams: teamsOf(teams.value),
                expires_at: dateToIso(lifetime.value),
              });
              if (role.value !== current) {
                if (role.value) await api('POST', '/v1/role-bindings', { service_account_id: account.id, role: role.value, project_id: account.project_id });
                for (const b of bindings) await api('DELETE', `/v1/role-bindings/${b.id}`);
              }
              close();
              void rerender();
              announce('Service account saved.');
            } catch (err) {
              reportError(form, form.querySelector('.form-error') as HTMLElement, err);
            }
          })();
        },
      },
      'Save',
    ),
  ]);
}
