import type { Page } from '../../../api-client/contract/common';
import type { FederatedCredential } from '../../../api-client/contract/federation';
import { MAX_OVERLAP_SECONDS } from '../../../api-client/contract/limits';
import type { Project } from '../../../api-client/contract/projects';
import type { RoleBinding } from '../../../api-client/contract/role-bindings';
import type { Role } from '../../../api-client/contract/roles';
import type { ServiceAccount } from '../../../api-client/contract/service-accounts';
import type { Token, TokenWithSecret } from '../../../api-client/contract/tokens';
import type { Session, User } from '../../../api-client/contract/users';
import type { AuditEvent } from '../../../api-client/contract/audit';
import { ApiProblem, api, hasSession, onSessionExpired, setSession } from './api';
import { announce, field, fmtTime, h, openDialog, showFieldErrors } from './dom';
import { exportView } from './export-view';
import type { EstateReader } from '../../../provider/export';

const NAME_RE = /^[a-z][a-z0-9_-]{0,62}$/;
const NAME_MSG = 'must be 1-63 characters of a-z, 0-9, "-" or "_", starting with a letter';
let me: User | null = null;
/** The one secret on screen, if any; cleared (and its DOM removed) on any navigation. */
let revealed: { secret: string; node: HTMLElement; tokenId: string } | null = null;
/** A status message that belongs to the next page (say, "deleted" after leaving the deleted account). */
let nextStatus: string | null = null;

/** Goes to `hash`; `message` is announced there, since every navigation clears the status line. */
function navigate(hash: string, message?: string): void {
  nextStatus = message ?? null;
  location.hash = hash;
}

const root = () => document.getElementById('main') as HTMLElement;

function forgetSecret(): void {
  if (revealed) {
    revealed.node.remove();
    revealed.secret = '';
    revealed = null;
  }
}

function shell(): void {
  const app = document.getElementById('app') as HTMLElement;
  app.replaceChildren(
    h('a', { class: 'skip', href: '#main' }, 'Skip to content'),
    h('header', {}, h('strong', {}, 'Warden'), h('nav', { id: 'nav', 'aria-label': 'Main' })),
    h('div', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }),
    h('main', { id: 'main', tabindex: '-1' }),
  );
}

function renderNav(): void {
  const nav = document.getElementById('nav') as HTMLElement;
  nav.replaceChildren();
  if (!me) return;
  nav.append(
    h('a', { href: '#/accounts' }, 'Service accounts'),
    h('a', { href: '#/my-tokens' }, 'My API tokens'),
    h('a', { href: '#/audit' }, 'Audit log'),
    h('span', { class: 'who' }, me.email),
    h('button', { type: 'button', onclick: () => void signOut() }, 'Sign out'),
  );
}

async function signOut(): Promise<void> {
  try {
    await api('DELETE', '/v1/sessions/current');
  } catch {
    // Signing out locally matters more than the server's answer.
  }
  setSession(null);
  me = null;
  navigate('#/sign-in', 'Signed out.');
}

function signInView(message?: string): void {
  renderNav();
  const email = h('input', { type: 'text', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const formError = h('div', { class: 'form-error', role: 'alert' }, message ?? '');
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in'),
    formError,
    field('email', 'Email', email),
    field('password', 'Password', password),
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    formError.textContent = '';
    const errs = new Map<string, string>();
    if (!email.value.trim()) errs.set('email', 'is required');
    if (!password.value) errs.set('password', 'is required');
    showFieldErrors(form, errs);
    if (errs.size) return;
    void (async () => {
      try {
        const session = await api<Session>('POST', '/v1/sessions', { email: email.value.trim(), password: password.value });
        password.value = '';
        setSession(session.token);
        me = session.user;
        const ms = Date.parse(session.expires_at) - Date.now();
        if (ms > 0 && ms < 2 ** 31) setTimeout(() => hasSession() && expire(), ms);
        location.hash = '#/accounts';
      } catch (err) {
        formError.textContent =
          err instanceof ApiProblem && err.problem.code === 'WARDEN_ERR_SERVICE_ACCOUNT_LOGIN'
            ? 'Service accounts cannot sign in. Use one of their API tokens with the API instead.'
            : err instanceof ApiProblem && err.status === 401
              ? 'Email or password is wrong.'
              : (err as Error).message;
        password.focus();
      }
    })();
  });
  root().replaceChildren(form);
  email.focus();
}

function expire(): void {
  setSession(null);
  me = null;
  forgetSecret();
  history.replaceState(null, '', '#/sign-in');
  signInView('Your session expired. Sign in again.');
}

async function all<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  let token: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const p: Page<T> = await api<Page<T>>('GET', `${path}${sep}limit=500${token ? `&page_token=${encodeURIComponent(token)}` : ''}`);
    out.push(...p.items);
    token = p.next_page_token;
  } while (token);
  return out;
}

/** A table whose cells carry their column's name, so narrow screens can show rows as labelled cards. */
function table(caption: string, columns: string[], rows: HTMLElement[]): HTMLElement {
  for (const row of rows) Array.from(row.children).forEach((cell, i) => cell.setAttribute('data-label', columns[i] ?? ''));
  return h(
    'table',
    { class: 'stack' },
    h('caption', { class: 'sr-only' }, caption),
    h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows),
  );
}

function badge(text: string, kind = ''): HTMLElement {
  return h('span', { class: `badge ${kind}` }, text);
}

async function accountsView(params: URLSearchParams): Promise<void> {
  const projects = await all<Project>('/v1/projects');
  const projectName = (id: string | null) => (id ? (projects.find((p) => p.id === id)?.name ?? id) : 'Organization');
  const q = new URLSearchParams();
  const pid = params.get('project_id');
  const name = params.get('name');
  if (pid) q.set('project_id', pid);
  if (name && NAME_RE.test(name)) q.set('name', name);
  const accounts = await all<ServiceAccount>(`/v1/service-accounts?${q}`);
  const rows = await Promise.all(
    accounts.map(async (a) => {
      const [bindings, tokens] = await Promise.all([
        all<RoleBinding>(`/v1/role-bindings?service_account_id=${a.id}`),
        all<Token>(`/v1/service-accounts/${a.id}/tokens`),
      ]);
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
  const filter = h('form', { class: 'filters', role: 'search' }, field('filter-project', 'Project', projectSel), field('filter-name', 'Name', nameIn), h('button', { type: 'submit' }, 'Filter'));
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if (projectSel.value) p.set('project_id', projectSel.value);
    if (nameIn.value.trim()) p.set('name', nameIn.value.trim());
    location.hash = `#/accounts?${p}`;
  });
  root().replaceChildren(
    h(
      'div',
      { class: 'titlebar' },
      h('h1', {}, 'Service accounts'),
      h('div', { class: 'actions' }, h('a', { href: `#/export?${q}`, class: 'button' }, 'Export as code'), h('a', { href: '#/accounts/new', class: 'button primary' }, 'Add service account')),
    ),
    filter,
    rows.length ? table('Service accounts', ['Account', 'Scope', 'Roles', 'State', 'Lifetime', 'Tokens'], rows) : h('p', {}, 'No service accounts match.'),
  );
}

function localErrors(values: Record<string, string>, rules: Record<string, (v: string) => string | null>): Map<string, string> {
  const errs = new Map<string, string>();
  for (const [k, rule] of Object.entries(rules)) {
    const msg = rule(values[k] ?? '');
    if (msg) errs.set(k, msg);
  }
  return errs;
}

/** Field errors go next to their fields; anything else goes to the form's error line. */
function reportError(form: HTMLElement, formError: HTMLElement, err: unknown): void {
  const fields = err instanceof ApiProblem ? err.fieldErrors() : new Map<string, string>();
  showFieldErrors(form, fields);
  formError.textContent = fields.size ? '' : (err as Error).message;
}

function teamsOf(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter((t) => t && t !== 'public'))];
}

function dateToIso(value: string): string | null {
  return value ? new Date(`${value}T23:59:59Z`).toISOString() : null;
}

/** Token form fields shared by the wizard, "add token" and personal tokens. */
function tokenFields(): { nodes: HTMLElement[]; read: () => { body: Record<string, unknown>; errors: Map<string, string> } } {
  const name = h('input', { type: 'text', required: true, autocomplete: 'off' });
  const expiry = h(
    'select',
    {},
    ...[['30', '30 days'], ['60', '60 days'], ['90', '90 days'], ['365', '1 year'], ['never', 'Never'], ['date', 'On a date']].map(([v, l]) => h('option', { value: v, selected: v === '90' }, l ?? '')),
  );
  const date = h('input', { type: 'date' });
  const extended = h('input', { type: 'checkbox' });
  const maxAge = h('input', { type: 'number', min: '1', max: '3650', value: '30' });
  const scim = h('input', { type: 'checkbox' });
  const nodes = [
    field('name', 'Token name', name, 'Lowercase letters, digits, "-" or "_".'),
    field('expires_at', 'Expiration', expiry),
    field('expires_date', 'Expiration date', date, 'Used when expiration is "On a date".'),
    h('div', { class: 'check' }, extended, h('label', { for: 'f-extended' }, 'Extended: each use moves expiry forward, up to a hard cap')),
    field('max_age_days', 'Max age in days (extended tokens)', maxAge),
    h('div', { class: 'check' }, scim, h('label', { for: 'f-scim' }, 'SCIM only (token works for /scim/v2 only)')),
  ];
  extended.id = 'f-extended';
  scim.id = 'f-scim';
  const read = () => {
    const errors = localErrors({ name: name.value, expires_date: date.value, max_age_days: maxAge.value }, {
      name: (v) => (NAME_RE.test(v) ? null : NAME_MSG),
      expires_date: (v) => (expiry.value !== 'date' ? null : !v ? 'pick a date' : Date.parse(v) <= Date.now() ? 'must be in the future' : null),
      max_age_days: (v) => (!extended.checked ? null : /^\d+$/.test(v) && +v >= 1 && +v <= 3650 ? null : 'must be a whole number of days from 1 to 3650'),
    });
    const body: Record<string, unknown> = { name: name.value, scopes: scim.checked ? ['scim'] : ['api'], extended: extended.checked };
    if (expiry.value === 'never') body.expires_at = null;
    else if (expiry.value === 'date') body.expires_at = dateToIso(date.value);
    else body.expires_in_days = Number(expiry.value);
    if (extended.checked) body.max_age_days = Number(maxAge.value);
    return { body, errors };
  };
  return { nodes, read };
}

/** Shows a secret once: copy, download, a warning; gone from DOM and memory on navigation. */
function reveal(container: HTMLElement, token: TokenWithSecret, note?: string): void {
  forgetSecret();
  const code = h('code', { class: 'secret', 'data-testid': 'secret' }, token.token);
  const node = h(
    'section',
    { class: 'reveal', 'aria-labelledby': 'reveal-title' },
    h('h2', { id: 'reveal-title' }, `Secret for token "${token.name}"`),
    h('p', { class: 'warning' }, 'Copy it now. It will not be shown again: Warden keeps only a digest.'),
    note ? h('p', {}, note) : null,
    code,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'primary', onclick: () => void copy() }, 'Copy'),
      h('button', { type: 'button', onclick: () => download() }, 'Download'),
    ),
  );
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(revealed?.secret ?? '');
      announce('Secret copied to the clipboard.');
    } catch {
      announce('Copying failed: select the secret and copy it by hand.', 'error');
    }
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([`${revealed?.secret ?? ''}\n`], { type: 'text/plain' }));
    const a = h('a', { href: url, download: `${token.name}.token` });
    document.body.append(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  };
  revealed = { secret: token.token, node, tokenId: token.id };
  container.append(node);
  (node.querySelector('button') as HTMLElement).focus();
}

async function newAccountView(): Promise<void> {
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
    field('name', 'Name', name, 'Lowercase letters, digits, "-" or "_"; starts with a letter.'),
    field('display_name', 'Display name', display),
    field('description', 'Description', description),
    field('project_id', 'Project', project, 'Fixed after creation.'),
    field('role', 'Role', role),
    field('teams', 'Teams (comma separated)', teams, 'The team "public" is always included.'),
    h('p', { class: 'muted' }, 'Teams: ', badge('public')),
    field('expires_at', 'Account lifetime ends (optional)', lifetime),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Next: first token'), h('a', { href: '#/accounts', class: 'button' }, 'Cancel')),
  );
  step1.addEventListener('submit', (ev) => {
    ev.preventDefault();
    formError.textContent = '';
    const errs = localErrors({ name: name.value, expires_at: lifetime.value }, {
      name: (v) => (NAME_RE.test(v) ? null : NAME_MSG),
      expires_at: (v) => (v && Date.parse(v) <= Date.now() ? 'must be in the future' : null),
    });
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
        tokenStep(account);
      } catch (err) {
        reportError(step1, formError, err);
      }
    })();
  });
  root().replaceChildren(step1);
  name.focus();
}

function tokenStep(account: ServiceAccount): void {
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
  root().replaceChildren(container);
  (form.querySelector('input') as HTMLElement).focus();
}

/**
 * The reveal box must not offer a secret that no longer works: once its token is revoked (here or
 * elsewhere, seen on the next refresh), the secret is forgotten and the box says why.
 */
function syncReveal(tokens: Token[]): void {
  const token = revealed && tokens.find((t) => t.id === revealed!.tokenId);
  if (!revealed || !token || token.state !== 'revoked') return;
  const node = revealed.node;
  revealed.secret = '';
  revealed = null;
  node.replaceChildren(
    h('h2', { id: 'reveal-title' }, `Token "${token.name}" was revoked`),
    h('p', { class: 'warning' }, `It was revoked at ${fmtTime(token.revoked_at)}: its secret no longer works and is no longer shown.`),
  );
  node.classList.add('revoked');
}

/** Network binding and inactivity limit, as one line a person can read. */
function limitsOf(t: Token): string {
  const parts = [t.allowed_cidrs.length ? `From ${t.allowed_cidrs.join(', ')}` : '', t.max_unused_days !== null ? `Stops if unused ${t.max_unused_days} days (${fmtTime(t.unused_expires_at)})` : ''];
  return parts.filter(Boolean).join('; ') || '—';
}

function tokenTable(tokens: Token[], base: string, refresh: () => void, container: HTMLElement): HTMLElement {
  syncReveal(tokens);
  if (!tokens.length) return h('p', {}, 'No tokens.');
  const act = (label: string, fn: () => Promise<void>) =>
    h('button', { type: 'button', onclick: () => void fn().catch((e: Error) => announce(e.message, 'error')) }, label);
  return table(
    'Tokens',
    ['Name', 'Hint', 'Created', 'Last used', 'Expires', 'Hard cap', 'Extended', 'Scopes', 'Limits', 'State', 'Actions'],
    tokens.map((t) =>
        h(
          'tr',
          { 'data-token': t.name },
          h('td', {}, t.name),
          h('td', {}, h('code', {}, `${t.token_hint}…`)),
          h('td', {}, fmtTime(t.created_at)),
          h('td', {}, fmtTime(t.last_used_at, 'Never used')),
          h('td', {}, fmtTime(t.expires_at)),
          h('td', {}, t.extended ? fmtTime(t.max_expires_at) : '—'),
          h('td', {}, t.extended ? `Yes (${t.max_age_days} days)` : 'No'),
          h('td', {}, t.scopes.join(', ')),
          h('td', { class: 'limits' }, limitsOf(t)),
          h(
            'td',
            { class: 'state' },
            badge(t.state, t.state === 'active' ? 'on' : 'off'),
            t.overlap_ends_at && Date.parse(t.overlap_ends_at) > Date.now()
              ? h('div', { class: 'muted' }, `Old secret works until ${fmtTime(t.overlap_ends_at)}`)
              : null,
          ),
          h(
            'td',
            { class: 'actions' },
            t.state === 'revoked'
              ? null
              : [
                  act('Regenerate', async () => regenerateDialog(t, base, refresh, container)),
                  act(t.disabled ? 'Enable' : 'Disable', async () => {
                    await api('PATCH', `${base}/${t.id}`, { disabled: !t.disabled });
                    announce(`Token ${t.name} ${t.disabled ? 'enabled' : 'disabled'}.`);
                    refresh();
                  }),
                  act('Revoke', async () =>
                    confirmDialog(`Revoke token "${t.name}"?`, 'The token stops working at once. This cannot be undone.', 'Revoke', async () => {
                      await api('DELETE', `${base}/${t.id}`);
                      announce(`Token ${t.name} revoked.`);
                      refresh();
                    }),
                  ),
                ].reduce<HTMLElement>((span, b) => (span.append(b, ' '), span), h('span')),
          ),
        ),
    ),
  );
}

function confirmDialog(title: string, text: string, action: string, run: () => Promise<void>): void {
  const error = h('p', { class: 'form-error', role: 'alert' });
  openDialog(title, h('div', {}, h('p', {}, text), error), (close) => [
    h('button', { type: 'button', onclick: () => close() }, 'Cancel'),
    h(
      'button',
      {
        type: 'button',
        class: 'danger',
        onclick: () =>
          void run()
            .then(close)
            .catch((e: Error) => (error.textContent = e.message)),
      },
      action,
    ),
  ]);
}

const MAX_OVERLAP_HOURS = MAX_OVERLAP_SECONDS / 3600;

function regenerateDialog(t: Token, base: string, refresh: () => void, container: HTMLElement): void {
  const overlap = h('input', { type: 'number', min: '0', max: String(MAX_OVERLAP_HOURS), value: '0' });
  const form = h(
    'div',
    {},
    h('p', {}, 'A new secret is issued. The old one stops working at once, or after the overlap.'),
    field('overlap_hours', `Overlap in hours (0-${MAX_OVERLAP_HOURS})`, overlap),
  );
  openDialog(`Regenerate token "${t.name}"`, form, (close) => [
    h('button', { type: 'button', onclick: () => close() }, 'Cancel'),
    h(
      'button',
      {
        type: 'button',
        class: 'primary',
        onclick: () => {
          const hours = Number(overlap.value);
          if (!/^\d+$/.test(overlap.value) || hours > MAX_OVERLAP_HOURS) {
            return showFieldErrors(form, new Map([['overlap_hours', `must be a whole number of hours from 0 to ${MAX_OVERLAP_HOURS}`]]));
          }
          void api<TokenWithSecret>('POST', `${base}/${t.id}/regenerate`, { overlap_seconds: hours * 3600 })
            .then((token) => {
              close();
              refresh();
              const note = token.overlap_ends_at
                ? `The old secret keeps working until ${fmtTime(token.overlap_ends_at)}.`
                : 'The old secret has stopped working.';
              reveal(container, token, note);
              announce('Token regenerated.');
            })
            .catch((e: ApiProblem) => showFieldErrors(form, new Map([['overlap_hours', e.message]])));
        },
      },
      'Regenerate',
    ),
  ]);
}

function addTokenDialog(base: string, refresh: () => void, container: HTMLElement): void {
  const { nodes, read } = tokenFields();
  const form = h('div', {}, ...nodes);
  openDialog('Add token', form, (close) => [
    h('button', { type: 'button', onclick: () => close() }, 'Cancel'),
    h(
      'button',
      {
        type: 'button',
        class: 'primary',
        onclick: () => {
          const { body, errors } = read();
          showFieldErrors(form, errors);
          if (errors.size) return;
          void api<TokenWithSecret>('POST', base, body)
            .then((token) => {
              close();
              refresh();
              reveal(container, token);
              announce('Token created.');
            })
            .catch((e: ApiProblem) => showFieldErrors(form, e.fieldErrors?.() ?? new Map([['name', e.message]])));
        },
      },
      'Create token',
    ),
  ]);
}

async function accountView(id: string): Promise<void> {
  const [account, bindings, projects, roles] = await Promise.all([
    api<ServiceAccount>('GET', `/v1/service-accounts/${id}`),
    all<RoleBinding>(`/v1/role-bindings?service_account_id=${id}`),
    all<Project>('/v1/projects'),
    all<Role>('/v1/roles'),
  ]);
  const base = `/v1/service-accounts/${id}/tokens`;
  const revealBox = h('div', { id: 'reveal-box' });
  const tokensBox = h('div');
  const refresh = () =>
    void all<Token>(base)
      .then((tokens) => tokensBox.replaceChildren(tokenTable(tokens, base, refresh, revealBox)))
      .catch((e: Error) => announce(e.message, 'error'));
  refresh();
  const scope = account.project_id ? `Project: ${projects.find((p) => p.id === account.project_id)?.name ?? account.project_id}` : 'Organization';
  root().replaceChildren(
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
                void route();
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
            confirmDialog(`Delete service account "${account.name}"?`, 'Every token of this account stops working at once and its role bindings are removed. This cannot be undone.', 'Delete', async () => {
              await api('DELETE', `/v1/service-accounts/${id}`);
              navigate('#/accounts', `Service account ${account.name} deleted.`);
            }),
        },
        'Delete account',
      ),
    ),
    h('div', { class: 'titlebar' }, h('h2', {}, 'Tokens'), h('button', { type: 'button', class: 'primary', onclick: () => addTokenDialog(base, refresh, revealBox) }, 'Add token')),
    revealBox,
    tokensBox,
  );
}

function editDialog(account: ServiceAccount, bindings: RoleBinding[], roles: Role[]): void {
  const name = h('input', { type: 'text', value: account.name });
  const display = h('input', { type: 'text', value: account.display_name });
  const description = h('textarea', { rows: 2 });
  description.value = account.description;
  const current = bindings[0]?.role ?? '';
  const role = h('select', {}, h('option', { value: '' }, 'No role'), ...roles.map((r) => h('option', { value: r.name, selected: r.name === current }, r.name)));
  const teams = h('input', { type: 'text', value: account.teams.filter((t) => t !== 'public').join(', ') });
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
          const errs = localErrors({ name: name.value, display_name: display.value }, {
            name: (v) => (NAME_RE.test(v) ? null : NAME_MSG),
            display_name: (v) => (v.trim() ? null : 'is required'),
          });
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
              void route();
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

async function myTokensView(): Promise<void> {
  if (!me) return;
  const base = `/v1/users/${me.id}/tokens`;
  const revealBox = h('div');
  const tokensBox = h('div');
  const refresh = () =>
    void all<Token>(base)
      .then((tokens) => tokensBox.replaceChildren(tokenTable(tokens, base, refresh, revealBox)))
      .catch((e: Error) => announce(e.message, 'error'));
  refresh();
  root().replaceChildren(
    h('div', { class: 'titlebar' }, h('h1', {}, 'My API tokens'), h('button', { type: 'button', class: 'primary', onclick: () => addTokenDialog(base, refresh, revealBox) }, 'Add token')),
    revealBox,
    tokensBox,
  );
}

/**
 * Names for the ids an audit event carries, from what the caller may list: people, service
 * accounts and their tokens and bindings, projects, the caller's own tokens. A list the caller may
 * not read leaves its ids unnamed rather than failing the page.
 */
async function namesById(): Promise<Map<string, string>> {
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

async function auditView(params: URLSearchParams): Promise<void> {
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
  const filter = h('form', { class: 'filters', role: 'search' }, field('actor_id', 'Actor id', actor), field('target_id', 'Target id', target), h('button', { type: 'submit' }, 'Filter'));
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if (actor.value.trim()) p.set('actor_id', actor.value.trim());
    if (target.value.trim()) p.set('target_id', target.value.trim());
    location.hash = `#/audit?${p}`;
  });
  root().replaceChildren(
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

/** What the export reads, over this session's API calls. */
const sessionReader: EstateReader = {
  projects: () => all<Project>('/v1/projects'),
  roles: () => all<Role>('/v1/roles'),
  serviceAccounts: () => all<ServiceAccount>('/v1/service-accounts'),
  roleBindings: (id) => all<RoleBinding>(`/v1/role-bindings?service_account_id=${encodeURIComponent(id)}`),
  tokens: (id) => all<Token>(`/v1/service-accounts/${encodeURIComponent(id)}/tokens`),
  federatedCredentials: (id) => all<FederatedCredential>(`/v1/service-accounts/${encodeURIComponent(id)}/federated-credentials`),
};

/** #/export?account=<id> (one account) or #/export?project_id=&name= (the list's filter). */
async function exportPage(params: URLSearchParams): Promise<void> {
  const account = params.get('account');
  const project = params.get('project_id');
  const name = params.get('name');
  // As the list does: a name that is not a valid name is ignored rather than refused.
  const scope = account ? { accountIds: [account] } : { ...(project ? { project } : {}), ...(name && NAME_RE.test(name) ? { name } : {}) };
  const back = account ? { href: `#/accounts/${account}`, label: 'Service account' } : { href: `#/accounts?${params}`, label: 'Service accounts' };
  await exportView(root(), sessionReader, scope, back);
}

async function route(): Promise<void> {
  forgetSecret();
  // A message is about the page it was shown on; the next page starts with an empty status line
  // (or with the message that the navigation itself carried). `route` clears it synchronously, so
  // callers that re-render and then announce keep their message.
  announce(nextStatus ?? '');
  nextStatus = null;
  const [path = '', query = ''] = location.hash.slice(1).split('?');
  const params = new URLSearchParams(query);
  if (!hasSession()) return signInView();
  renderNav();
  root().replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  try {
    const m = /^\/accounts\/([A-Za-z0-9_-]+)$/.exec(path);
    if (path === '/accounts/new') await newAccountView();
    else if (m?.[1]) await accountView(m[1]);
    else if (path === '/my-tokens') await myTokensView();
    else if (path === '/audit') await auditView(params);
    else if (path === '/export') await exportPage(params);
    else await accountsView(params);
    // Views that focus their first field keep it; others move focus to the content for screen readers.
    if (!root().contains(document.activeElement)) root().focus({ preventScroll: true });
  } catch (err) {
    if (!hasSession()) return;
    root().replaceChildren(h('h1', {}, 'Something went wrong'), h('p', { role: 'alert' }, (err as Error).message), h('p', {}, h('a', { href: '#/accounts' }, 'Back to service accounts')));
  }
}

onSessionExpired(expire);
shell();
window.addEventListener('hashchange', () => void route());
window.addEventListener('pagehide', forgetSecret);
void route();
