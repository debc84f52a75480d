import type { Token } from '../../api-client/contract/tokens';
import { all } from '../api';
import { currentUser } from '../current-user';
import { announce, h } from '../dom';

import { addTokenDialog, tokenTable } from './tokens';

/** #/my-tokens: the signed-in person's own API tokens. */
export async function myTokensView(page: HTMLElement): Promise<void> {
  const me = currentUser();
  if (!me) return;
  const base = `/v1/users/${me.id}/tokens`;
  const revealBox = h('div');
  const tokensBox = h('div');
  const refresh = () =>
    void all<Token>(base)
      .then((tokens) => tokensBox.replaceChildren(tokenTable(tokens, base, refresh, revealBox)))
      .catch((e: Error) => announce(e.message, 'error'));
  refresh();
  page.replaceChildren(
    h('div', { class: 'titlebar' }, h('h1', {}, 'My API tokens'), h('button', { type: 'button', class: 'primary', onclick: () => addTokenDialog(base, refresh, revealBox) }, 'Add token')),
    revealBox,
    tokensBox,
  );
}
