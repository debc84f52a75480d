import type { Session } from '../../api-client/contract/users';
import { ApiProblem, api, hasSession, setSession } from '../api';
import { setCurrentUser } from '../current-user';
import { field, h, showFieldErrors } from '../dom';
import { forgetSecret } from '../secret-reveal';
import { newPage, renderNav } from '../shell';

export function signInView(page: HTMLElement, message?: string): void {
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
        setCurrentUser(session.user);
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
  page.replaceChildren(form);
  email.focus();
}

/** The session ran out (its expiry passed, or the server answered 401): back to sign-in, secret forgotten. */
export function expire(): void {
  setSession(null);
  setCurrentUser(null);
  forgetSecret();
  history.replaceState(null, '', '#/sign-in');
  signInView(newPage(), 'Your session expired. Sign in again.');
}
