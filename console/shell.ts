// The page around every view: skip link, header with the navigation, status line, main region.
import { api, setSession } from './api';
import { currentUser, setCurrentUser } from './current-user';
import { h } from './dom';
import { navigate } from './navigation';

/** The main region every view renders into. */
export const root = () => document.getElementById('main') as HTMLElement;

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
