type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | boolean | number | ((ev: Event) => void) | undefined>;

/** Builds an element; text is always set as text, never parsed as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Announces a status message to screen readers and sighted users alike. */
export function announce(message: string, kind: 'ok' | 'error' = 'ok'): void {
  const region = document.getElementById('status');
  if (!region) return;
  region.textContent = message;
  region.className = `status ${kind}`;
}

export function fmtTime(value: string | null | undefined, never = 'Never'): string {
  if (!value) return never;
  return new Date(value)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC');
}

/** A labelled field with an error slot tied to it by aria-describedby. */
export function field(name: string, label: string, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
  const id = `f-${name}`;
  input.id = id;
  input.name = name;
  const errId = `${id}-error`;
  input.setAttribute('aria-describedby', hint ? `${errId} ${id}-hint` : errId);
  return h(
    'div',
    { class: 'field', 'data-field': name },
    h('label', { for: id }, label),
    input,
    hint ? h('small', { id: `${id}-hint`, class: 'hint' }, hint) : null,
    h('div', { id: errId, class: 'field-error', role: 'alert' }),
  );
}

export function showFieldErrors(form: HTMLElement, errors: Map<string, string>): void {
  for (const el of Array.from(form.querySelectorAll<HTMLElement>('.field-error'))) el.textContent = '';
  for (const input of Array.from(form.querySelectorAll('[aria-invalid]'))) input.removeAttribute('aria-invalid');
  let first: HTMLElement | null = null;
  for (const [name, message] of errors) {
    const slot = form.querySelector<HTMLElement>(`#f-${CSS.escape(name)}-error`);
    const input = form.querySelector<HTMLElement>(`#f-${CSS.escape(name)}`);
    if (slot) slot.textContent = message;
    else form.querySelector<HTMLElement>('.form-error')?.append(`${name}: ${message} `);
    input?.setAttribute('aria-invalid', 'true');
    first ??= input;
  }
  first?.focus();
}

/** A modal dialog that traps focus and gives it back to the opener when it closes. */
export function openDialog(title: string, body: Node, actions: (close: () => void) => HTMLElement[]): () => void {
  const opener = document.activeElement as HTMLElement | null;
  const titleId = `dlg-${Math.random().toString(36).slice(2)}`;
  const dialog = h('div', { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId });
  const backdrop = h('div', { class: 'backdrop' }, dialog);
  const close = () => {
    backdrop.remove();
    document.removeEventListener('keydown', onKey, true);
    opener?.focus();
  };
  const onKey = (ev: KeyboardEvent) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      close();
    } else if (ev.key === 'Tab') {
      const focusables = Array.from(dialog.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href]')).filter((e) => !e.hasAttribute('disabled'));
      const first = focusables[0];
      const last = focusables[focusables.length - 1];
      if (!first || !last) return;
      if (ev.shiftKey && document.activeElement === first) {
        ev.preventDefault();
        last.focus();
      } else if (!ev.shiftKey && document.activeElement === last) {
        ev.preventDefault();
        first.focus();
      }
    }
  };
  dialog.append(h('h2', { id: titleId }, title), body, h('div', { class: 'actions' }, ...actions(close)));
  document.body.append(backdrop);
  document.addEventListener('keydown', onKey, true);
  dialog.querySelector<HTMLElement>('input, select, button')?.focus();
  return close;
}

/** A table whose cells carry their column's name, so narrow screens can show rows as labelled cards. */
export function table(caption: string, columns: string[], rows: HTMLElement[]): HTMLElement {
  for (const row of rows) Array.from(row.children).forEach((cell, i) => cell.setAttribute('data-label', columns[i] ?? ''));
  return h(
    'table',
    { class: 'stack' },
    h('caption', { class: 'sr-only' }, caption),
    h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows),
  );
}

export function badge(text: string, kind = ''): HTMLElement {
  return h('span', { class: `badge ${kind}` }, text);
}

/** Asks before an action that cannot be undone; its error stays in the dialog. */
export function confirmDialog(title: string, text: string, action: string, run: () => Promise<void>): void {
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
