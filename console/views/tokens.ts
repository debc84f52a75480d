// The token widgets the service-account pages and "My API tokens" share: the form fields, the
// table with its actions, and the add and regenerate dialogs.
import { MAX_AGE_DAYS, MAX_OVERLAP_SECONDS } from '../../api-client/contract/limits';
import type { Token, TokenWithSecret } from '../../api-client/contract/tokens';
import { all, api } from '../api';
import { announce, badge, confirmDialog, field, fmtTime, h, openDialog, showFieldErrors, table } from '../dom';
import { NAME_HINT, NAME_MSG, isName, dateToIso, localErrors, reportError } from '../forms';
import { reveal, syncReveal } from '../secret-reveal';

/** Token form fields shared by the wizard, "add token" and personal tokens. */
export function tokenFields(): { nodes: HTMLElement[]; read: () => { body: Record<string, unknown>; errors: Map<string, string> } } {
  const name = h('input', { type: 'text', required: true, autocomplete: 'off' });
  const expiry = h(
    'select',
    {},
    ...[
      ['30', '30 days'],
      ['60', '60 days'],
      ['90', '90 days'],
      ['365', '1 year'],
      ['never', 'Never'],
      ['date', 'On a date'],
    ].map(([v, l]) => h('option', { value: v, selected: v === '90' }, l ?? '')),
  );
  const date = h('input', { type: 'date' });
  const extended = h('input', { type: 'checkbox' });
  const maxAge = h('input', { type: 'number', min: String(MAX_AGE_DAYS.min), max: String(MAX_AGE_DAYS.max), value: '30' });
  const scim = h('input', { type: 'checkbox' });
  const nodes = [
    field('name', 'Token name', name, NAME_HINT),
    field('expires_at', 'Expiration', expiry),
    field('expires_date', 'Expiration date', date, 'Used when expiration is "On a date".'),
    h('div', { class: 'check' }, extended, h('label', { for: 'f-extended' }, 'Extended: each use moves expiry forward, up to a hard cap')),
    field('max_age_days', 'Max age in days (extended tokens)', maxAge),
    h('div', { class: 'check' }, scim, h('label', { for: 'f-scim' }, 'SCIM only (token works for /scim/v2 only)')),
  ];
  extended.id = 'f-extended';
  scim.id = 'f-scim';
  const read = () => {
    const errors = localErrors(
      { name: name.value, expires_date: date.value, max_age_days: maxAge.value },
      {
        name: (v) => (isName(v) ? null : NAME_MSG),
        expires_date: (v) => (expiry.value !== 'date' ? null : !v ? 'pick a date' : Date.parse(v) <= Date.now() ? 'must be in the future' : null),
        max_age_days: (v) =>
          !extended.checked
            ? null
            : /^\d+$/.test(v) && +v >= MAX_AGE_DAYS.min && +v <= MAX_AGE_DAYS.max
              ? null
              : `must be a whole number of days from ${MAX_AGE_DAYS.min} to ${MAX_AGE_DAYS.max}`,
      },
    );
    const body: Record<string, unknown> = { name: name.value, scopes: scim.checked ? ['scim'] : ['api'], extended: extended.checked };
    if (expiry.value === 'never') body.expires_at = null;
    else if (expiry.value === 'date') body.expires_at = dateToIso(date.value);
    else body.expires_in_days = Number(expiry.value);
    if (extended.checked) body.max_age_days = Number(maxAge.value);
    return { body, errors };
  };
  return { nodes, read };
}

/** Network binding and inactivity limit, as one line a person can read. */
function limitsOf(t: Token): string {
  const parts = [
    t.allowed_cidrs.length ? `From ${t.allowed_cidrs.join(', ')}` : '',
    t.max_unused_days !== null ? `Stops if unused ${t.max_unused_days} days (${fmtTime(t.unused_expires_at)})` : '',
  ];
  return parts.filter(Boolean).join('; ') || '—';
}

function tokenTable(tokens: Token[], base: string, refresh: () => void, container: HTMLElement): HTMLElement {
  syncReveal(tokens);
  if (!tokens.length) return h('p', {}, 'No tokens.');
  const act = (label: string, fn: () => Promise<void>) => h('button', { type: 'button', onclick: () => void fn().catch((e: Error) => announce(e.message, 'error')) }, label);
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
          t.overlap_ends_at && Date.parse(t.overlap_ends_at) > Date.now() ? h('div', { class: 'muted' }, `Old secret works until ${fmtTime(t.overlap_ends_at)}`) : null,
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

const MAX_OVERLAP_HOURS = MAX_OVERLAP_SECONDS / 3600;

function regenerateDialog(t: Token, base: string, refresh: () => void, container: HTMLElement): void {
  const overlap = h('input', { type: 'number', min: '0', max: String(MAX_OVERLAP_HOURS), value: '0' });
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const form = h(
    'div',
    {},
    formError,
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
              const note = token.overlap_ends_at ? `The old secret keeps working until ${fmtTime(token.overlap_ends_at)}.` : 'The old secret has stopped working.';
              reveal(container, token, note);
              announce('Token regenerated.');
            })
            .catch((e: unknown) => reportError(form, formError, e));
        },
      },
      'Regenerate',
    ),
  ]);
}

function addTokenDialog(base: string, refresh: () => void, container: HTMLElement): void {
  const { nodes, read } = tokenFields();
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const form = h('div', {}, formError, ...nodes);
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
            .catch((e: unknown) => reportError(form, formError, e));
        },
      },
      'Create token',
    ),
  ]);
}

/** A page's tokens: a title bar with "Add token", the box that shows a new secret once, and the table, kept fresh. */
export function tokenSection(base: string, heading: HTMLElement): HTMLElement[] {
  const revealBox = h('div', { id: 'reveal-box' });
  const tokensBox = h('div');
  const refresh = () =>
    void all<Token>(base)
      .then((tokens) => tokensBox.replaceChildren(tokenTable(tokens, base, refresh, revealBox)))
      .catch((e: Error) => announce(e.message, 'error'));
  refresh();
  return [
    h('div', { class: 'titlebar' }, heading, h('button', { type: 'button', class: 'primary', onclick: () => addTokenDialog(base, refresh, revealBox) }, 'Add token')),
    revealBox,
    tokensBox,
  ];
}
