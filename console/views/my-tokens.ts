import { currentUser } from '../current-user';
import { h } from '../dom';
import { tokenSection } from './tokens';

/** #/my-tokens: the signed-in person's own API tokens. */
export async function myTokensView(page: HTMLElement): Promise<void> {
  const me = currentUser();
  if (!me) return;
  const base = `/v1/users/${me.id}/tokens`;
  page.replaceChildren(...tokenSection(base, h('h1', {}, 'My API tokens')));
}
