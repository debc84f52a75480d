import { startServerProcess } from '../support/server';
import { within } from '../support/wait';

describe('the embedded store is durable', () => {
  test('every acknowledged write survives kill -9 of the server', async () => {
    const server = await startServerProcess();
    try {
      const acknowledged: string[] = [];
      let fortieth!: () => void;
      const fortyAcknowledged = new Promise<void>((r) => (fortieth = r));
      // Writes in flight when the process dies: the acknowledged ones must all be there after.
      const writer = (async () => {
        for (let i = 0; i < 1000; i++) {
          try {
            acknowledged.push((await server.client.createServiceAccount({ name: `durable-${i}` })).id);
          } catch {
            return;
          }
          if (acknowledged.length === 40) fortieth();
        }
      })();
      await within(
        'the server to acknowledge 40 writes',
        Promise.race([fortyAcknowledged, writer.then(() => Promise.reject(new Error(`the writer stopped after ${acknowledged.length} writes`)))]),
        30_000,
      );
      await server.kill('SIGKILL');
      await writer;
      await server.restart();
      const found = new Set<string>();
      for await (const a of server.client.paginate('listServiceAccounts', { limit: 500 })) found.add(a.id);
      expect(acknowledged.length).toBeGreaterThanOrEqual(40);
      for (const id of acknowledged) expect(found.has(id)).toBe(true);
    } finally {
      await server.stop();
    }
  });

  test('SIGTERM shuts down gracefully with exit code 0', async () => {
    const server = await startServerProcess();
    await server.client.whoami();
    const exit = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)));
    server.child.kill('SIGTERM');
    expect(await exit).toBe(0);
    await server.stop();
  });
});
