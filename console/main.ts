// The console's entry point (bundled by build.ts): wires the session, the router and the shell.
import { onSessionExpired } from './api';
import { setRouter } from './navigation';
import { route } from './router';
import { forgetSecret } from './secret-reveal';
import { shell } from './shell';
import { expire } from './views/sign-in';

onSessionExpired(expire);
setRouter(route);
shell();
window.addEventListener('hashchange', () => void route());
window.addEventListener('pagehide', forgetSecret);
void route();
