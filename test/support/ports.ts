import { createServer } from 'node:net';

/**
 * Ports for what the tests start. Prefer port 0: the code under test binds it and reports the port
 * it got (the server does, in this process and as its own), so nothing can take the port between
 * choosing and binding. A child that must be told its port beforehand (Prism, PostgreSQL) gets one
 * from freePort, which is free when asked but may be taken by another process before the child
 * binds it: start such a child through onFreePort, which retries on a fresh port when it is.
 */

/** A port free on 127.0.0.1 right now; see above for why that is not enough on its own. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** How a child says its port was taken: Node's error code, or the system's words (PostgreSQL). */
const ADDRESS_IN_USE = /EADDRINUSE|address already in use/i;

/**
 * `start(port)` on a free port, again on another one (at most `attempts` in all) when it fails
 * because the port was taken meanwhile; `start` must fail with the child's output in its message.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (err) {
      if (attempt >= attempts || !(err instanceof Error && ADDRESS_IN_USE.test(err.message))) throw err;
    }
  }
}
