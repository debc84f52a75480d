// Hash routes to views: #/sign-in, #/accounts, #/accounts/new, #/accounts/<id>, #/my-tokens,
// #/audit, #/export.
import { hasSession } from './api';
import { announce, h } from './dom';
import { takeNextStatus } from './navigation';
import { forgetSecret } from './secret-reveal';
import { newPage, renderNav, root } from './shell';
import { auditView } from './views/audit';
import { exportPage } from './views/export';
import { myTokensView } from './views/my-tokens';
import { newAccountView } from './views/new-service-account';
import { accountView } from './views/service-account';
import { accountsView } from './views/service-accounts';
import { signInView } from './views/sign-in';

export async function route(): Promise<void> {
  forgetSecret();
  // A message is about the page it was shown on; the next page starts with an empty status line
  // (or with the message that the navigation itself carried). `route` clears it synchronously, so
  // callers that re-render and then announce keep their message.
  announce(takeNextStatus() ?? '');
  const [path = '', query = ''] = location.hash.slice(1).split('?');
  const params = new URLSearchParams(query);
  if (!hasSession()) return signInView(newPage());
  renderNav();
  const page = newPage();
  page.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  try {
    const m = /^\/accounts\/([A-Za-z0-9_-]+)$/.exec(path);
    if (path === '/accounts/new') await newAccountView(page);
    else if (m?.[1]) await accountView(page, m[1]);
    else if (path === '/my-tokens') await myTokensView(page);
    else if (path === '/audit') await auditView(page, params);
    else if (path === '/export') await exportPage(page, params);
    else await accountsView(page, params);
    // Views that focus their first field keep it; others move focus to the content for screen readers.
    if (page.isConnected && !root().contains(document.activeElement)) root().focus({ preventScroll: true });
  } catch (err) {
    // Nothing to show when the session ended meanwhile or the user has gone to another page.
    if (!hasSession() || !page.isConnected) return;
    page.replaceChildren(
      h('h1', {}, 'Something went wrong'),
      h('p', { role: 'alert' }, (err as Error).message),
      h('p', {}, h('a', { href: '#/accounts' }, 'Back to service accounts')),
    );
  }
}
