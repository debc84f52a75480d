// The page around every view: skip link, header with the navigation, status line, main region.
import { api, setSession } from './api';
import { currentUser, setCurrentUser } from './current-user';
import { h } from './dom';
import { navigate } from './navigation';

/** The main region, which holds the page of the latest navigation. */
export const root = () => document.getElementById('main') as HTMLElement;

/**
 * A fresh page for a navigation, shown at once in the main region. A view renders into the page it
 * was given, so a slower, earlier view that finishes late writes into a page no longer shown
 * instead of over the one the user went to.
 */
export function newPage(): HTMLElement {
  const page = h('div', { class: 'page' });
  root().replaceChildren(page);
  return page;
}

export function shell(): void {
  const app = document.getElementById('app') as HTMLElement;
  app.replaceChildren(
    h('a', { class: 'skip', href: '#main' }, 'Skip to content'),
    h('header', {}, h('strong', {}, 'Warden'), h('nav', { id: 'nav', 'aria-label': 'Main' })),
    h('div', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }),
    h('main', { id: 'main', tabindex: '-1' }),
  );
}

export function renderNav(): void {
  const nav = document.getElementById('nav') as HTMLElement;
  nav.replaceChildren();
  const me = currentUser();
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
  setCurrentUser(null);
  navigate('#/sign-in', 'Signed out.');
}
