import { startServerProcess } from '../support/server';

describe('the embedded store is durable', () => {
  test('every acknowledged write survives kill -9 of the server', async () => {
    const server = await startServerProcess();
    try {
      const acknowledged: string[] = [];
      // Writes in flight when the process dies: the acknowledged ones must all be there after.
      const writer = (async () => {
        for (let i = 0; i < 1000; i++) {
          try {
            acknowledged.push((await server.client.createServiceAccount({ name: `durable-${i}` })).id);
          } catch {
            return;
          }
        }
      })();
      while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 5));
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
