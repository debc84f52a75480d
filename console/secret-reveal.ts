import type { Token, TokenWithSecret } from '../api-client/contract/tokens';
import { announce, fmtTime, h } from './dom';

/** The one secret on screen, if any; cleared (and its DOM removed) on any navigation. */
let revealed: { secret: string; node: HTMLElement; tokenId: string } | null = null;

export function forgetSecret(): void {
  if (revealed) {
    revealed.node.remove();
    revealed.secret = '';
    revealed = null;
  }
}

/** Shows a secret once: copy, download, a warning; gone from DOM and memory on navigation. */
export function reveal(container: HTMLElement, token: TokenWithSecret, note?: string): void {
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

/**
 * The reveal box must not offer a secret that no longer works: once its token is revoked (here or
 * elsewhere, seen on the next refresh), the secret is forgotten and the box says why.
 */
export function syncReveal(tokens: Token[]): void {
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
