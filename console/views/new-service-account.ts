// #/accounts/new: the two-step wizard, the account and then its first token.
import { TEAMS } from '../../api-client/contract/limits';
import type { Project } from '../../api-client/contract/projects';
import type { Role } from '../../api-client/contract/roles';
import type { ServiceAccount } from '../../api-client/contract/service-accounts';
import type { TokenWithSecret } from '../../api-client/contract/tokens';
import { api, all } from '../api';
import { announce, badge, field, h, showFieldErrors } from '../dom';
import { NAME_HINT, NAME_MSG, isName, dateToIso, localErrors, reportError, teamsOf } from '../forms';
import { reveal } from '../secret-reveal';

import { tokenFields } from './tokens';

export async function newAccountView(page: HTMLElement): Promise<void> {
  const [projects, roles] = await Promise.all([all<Project>('/v1/projects'), all<Role>('/v1/roles')]);
  const name = h('input', { type: 'text', required: true, autocomplete: 'off' });
  const display = h('input', { type: 'text' });
  const description = h('textarea', { rows: 2 });
  const project = h('select', {}, h('option', { value: '' }, 'Organization (all projects)'), ...projects.map((p) => h('option', { value: p.id }, p.name)));
  const role = h('select', {}, h('option', { value: '' }, 'No role'), ...roles.map((r) => h('option', { value: r.name, selected: r.name === 'member' }, r.name)));
  const teams = h('input', { type: 'text', placeholder: 'e.g. platform, data' });
  const lifetime = h('input', { type: 'date' });
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const step1 = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'step1' },
    h('h1', { id: 'step1' }, 'Add service account: step 1 of 2, account'),
    formError,
    field('name', 'Name', name, NAME_HINT),
    field('display_name', 'Display name', display),
    field('description', 'Description', description),
    field('project_id', 'Project', project, 'Fixed after creation.'),
    field('role', 'Role', role),
    field('teams', 'Teams (comma separated)', teams, 'The team "public" is always included.'),
    h('p', { class: 'muted' }, 'Teams: ', badge(TEAMS.always)),
    field('expires_at', 'Account lifetime ends (optional)', lifetime),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Next: first token'), h('a', { href: '#/accounts', class: 'button' }, 'Cancel')),
  );
  step1.addEventListener('submit', (ev) => {
    ev.preventDefault();
    formError.textContent = '';
    const errs = localErrors(
      { name: name.value, expires_at: lifetime.value },
      {
        name: (v) => (isName(v) ? null : NAME_MSG),
        expires_at: (v) => (v && Date.parse(v) <= Date.now() ? 'must be in the future' : null),
      },
    );
    showFieldErrors(step1, errs);
    if (errs.size) return;
    void (async () => {
      try {
        const account = await api<ServiceAccount>('POST', '/v1/service-accounts', {
          name: name.value,
          ...(display.value.trim() ? { display_name: display.value.trim() } : {}),
          description: description.value,
          project_id: project.value || null,
          expires_at: dateToIso(lifetime.value),
          teams: teamsOf(teams.value),
        });
        if (role.value) {
          try {
            await api('POST', '/v1/role-bindings', { service_account_id: account.id, role: role.value, project_id: account.project_id });
          } catch (err) {
            announce(`Account created, but the role was not bound: ${(err as Error).message}`, 'error');
          }
        }
        tokenStep(page, account);
      } catch (err) {
        reportError(step1, formError, err);
      }
    })();
  });
  page.replaceChildren(step1);
  name.focus();
}

function tokenStep(page: HTMLElement, account: ServiceAccount): void {
  const { nodes, read } = tokenFields();
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'step2' },
    h('h1', { id: 'step2' }, `Add service account: step 2 of 2, first token for ${account.name}`),
    formError,
    ...nodes,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create token'), h('a', { href: `#/accounts/${account.id}`, class: 'button' }, 'Skip')),
  );
  const container = h('div', {}, form);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const { body, errors } = read();
    showFieldErrors(form, errors);
    if (errors.size) return;
    void (async () => {
      try {
        const token = await api<TokenWithSecret>('POST', `/v1/service-accounts/${account.id}/tokens`, body);
        form.remove();
        container.append(h('h1', {}, `Service account ${account.name} created`), h('p', {}, h('a', { href: `#/accounts/${account.id}` }, 'Go to the account')));
        reveal(container, token);
        announce('Token created.');
      } catch (err) {
        reportError(form, formError, err);
      }
    })();
  });
  page.replaceChildren(container);
  (form.querySelector('input') as HTMLElement).focus();
}
