import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NetworkError, PreconditionFailedError, RateLimitError, ServerError, TimeoutError, WardenClient } from '../../api-client';
import { startServer } from '../support/server';

/**
 * A real upstream on 127.0.0.1 that misbehaves for the first attempts of each request, then
 * forwards to the real Warden server. The client is unchanged: only the network is hostile.
 */
async function flakyProxy(target: string, plan: (attempt: number, req: IncomingMessage) => 'ok' | 'reset' | 'hang' | number) {
  const seen: { method: string; url: string; idempotencyKey: string | undefined }[] = [];
  const server: Server = createServer(async (req, res) => {
    seen.push({ method: req.method!, url: req.url!, idempotencyKey: req.headers['idempotency-key'] as string | undefined });
    const body = await new Promise<Buffer>((r) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => r(Buffer.concat(chunks)));
    });
    const action = plan(seen.length, req);
    if (action === 'reset') return req.socket.destroy();
    if (action === 'hang') return;
    if (typeof action === 'number') {
      res.writeHead(action, action === 429 ? { 'retry-after': '1', 'content-type': 'application/problem+json' } : { 'content-type': 'text/plain' });
      return res.end(action === 429 ? JSON.stringify({ type: 'x', title: 'slow down', status: 429, code: 'WARDEN_ERR_RATE_LIMITED' }) : 'upstream trouble');
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
    const upstream = await fetch(target + req.url, { method: req.method, headers, ...(body.length ? { body: new Uint8Array(body) } : {}) });
    res.writeHead(
      upstream.status,
      Object.fromEntries(
        Array.from(upstream.headers as unknown as Iterable<[string, string]>).filter(([k]) => k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection'),
      ),
    );
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

type Warden = Awaited<ReturnType<typeof startServer>>;
let warden: Warden;
beforeAll(async () => {
  warden = await startServer();
});
afterAll(() => warden.stop());

const fast = { retries: 3, baseDelayMs: 10, maxDelayMs: 1500 };

describe('the client retries what is safe to retry', () => {
  test.each([503, 502, 504])('a GET answered %d twice succeeds on the third attempt', async (status) => {
    const proxy = await flakyProxy(warden.url, (n) => (n <= 2 ? status : 'ok'));
    const client = new WardenClient({ endpoint: proxy.url, token: warden.adminToken, retry: fast });
    try {
      expect((await client.whoami()).user_type).toBe('user');
      expect(proxy.seen).toHaveLength(3);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  test('a POST retried after a 503 and a reset reuses its Idempotency-Key and creates once', async () => {
    const proxy = await flakyProxy(warden.url, (n) => (n === 1 ? 503 : n === 2 ? 'reset' : 'ok'));
    const client = new WardenClient({ endpoint: proxy.url, token: warden.adminToken, retry: fast });
    try {
      const created = await client.createServiceAccount({ name: 'retried' });
      const keys = new Set(proxy.seen.map((s) => s.idempotencyKey));
      expect(proxy.seen).toHaveLength(3);
      expect(keys.size).toBe(1);
      expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
      expect((await warden.client.listServiceAccounts({ name: 'retried' })).items.map((a) => a.id)).toEqual([created.id]);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  test('a lost response to a POST is replayed by the server, not repeated', async () => {
    // The first attempt reaches the server and is committed, but its answer is lost.
    let forwardedOnce = false;
    const proxy = await flakyProxy(warden.url, () => 'ok');
    const lossy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req
        .on('data', (c: Buffer) => chunks.push(c))
        .on('end', async () => {
          const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && k !== 'host' && k !== 'connection')) as Record<string, string>;
          const upstream = await fetch(warden.url + req.url, { method: req.method, headers, body: new Uint8Array(Buffer.concat(chunks)) });
          if (!forwardedOnce) {
            forwardedOnce = true;
            return req.socket.destroy();
          }
          res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await upstream.arrayBuffer()));
        });
    });
    await new Promise<void>((r) => lossy.listen(0, '127.0.0.1', r));
    const client = new WardenClient({ endpoint: `http://127.0.0.1:${(lossy.address() as AddressInfo).port}`, token: warden.adminToken, retry: fast });
    try {
      const created = await client.createServiceAccount({ name: 'lost-answer' });
      expect((await warden.client.listServiceAccounts({ name: 'lost-answer' })).items.map((a) => a.id)).toEqual([created.id]);
    } finally {
      await client.close();
      await proxy.close();
      await new Promise((r) => lossy.close(r));
    }
  });

  test('429 honours Retry-After', async () => {
    const proxy = await flakyProxy(warden.url, (n) => (n === 1 ? 429 : 'ok'));
    const client = new WardenClient({ endpoint: proxy.url, token: warden.adminToken, retry: fast });
    try {
      const started = Date.now();
      await client.whoami();
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  test('after the last retry the error says what failed', async () => {
    const proxy = await flakyProxy(warden.url, () => 503);
    const client = new WardenClient({ endpoint: proxy.url, token: warden.adminToken, retry: fast });
    try {
      const err = await client.getServiceAccount('sa_x').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServerError);
      expect((err as Error).message).toMatch(/^GET \/v1\/service-accounts\/sa_x failed with 503 Service Unavailable/);
      expect(proxy.seen).toHaveLength(4);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  test('429 exhausted is a RateLimitError', async () => {
    const proxy = await flakyProxy(warden.url, () => 429);
    const client = new WardenClient({ endpoint: proxy.url, token: warden.adminToken, retry: { retries: 0 } });
    try {
      await expect(client.whoami()).rejects.toBeInstanceOf(RateLimitError);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  test('a request that hangs times out', async () => {
    const proxy = await flakyProxy(warden.url, () => 'hang');
    const client = new WardenClient({ endpoint: proxy.url, token: warden.adminToken, timeoutMs: 200, retry: { retries: 1, baseDelayMs: 10 } });
    try {
      await expect(client.whoami()).rejects.toMatchObject({ code: 'WARDEN_CLIENT_ERR_TIMEOUT' });
      await expect(client.whoami()).rejects.toBeInstanceOf(TimeoutError);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  test('an unreachable server is a NetworkError naming the endpoint', async () => {
    const proxy = await flakyProxy(warden.url, () => 'ok');
    await proxy.close();
    const client = new WardenClient({ endpoint: proxy.url, token: warden.adminToken, retry: fast });
    try {
      const err = await client.whoami().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as Error).message).toContain(proxy.url);
    } finally {
      await client.close();
    }
  });

  test('a bad endpoint is refused when the client is made', () => {
    expect(() => new WardenClient({ endpoint: 'not a url' })).toThrow(/not a URL/);
    expect(() => new WardenClient({ endpoint: 'ftp://x' })).toThrow(/http or https/);
  });
});

describe('a conditional PATCH whose answer was lost', () => {
  /** Forwards every request; drops the connection after forwarding the first PATCH. */
  async function losesFirstPatchAnswer() {
    let dropped = false;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req
        .on('data', (c: Buffer) => chunks.push(c))
        .on('end', async () => {
          const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && k !== 'host' && k !== 'connection')) as Record<string, string>;
          const body = Buffer.concat(chunks);
          const upstream = await fetch(warden.url + req.url, { method: req.method, headers, ...(body.length ? { body: new Uint8Array(body) } : {}) });
          const answer = Buffer.from(await upstream.arrayBuffer());
          if (req.method === 'PATCH' && !dropped) {
            dropped = true;
            return req.socket.destroy();
          }
          res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
          res.end(answer);
        });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
  }

  test('answers the applied change, not a 412', async () => {
    const account = await warden.client.createServiceAccount({ name: 'patched-once' });
    const proxy = await losesFirstPatchAnswer();
    const client = new WardenClient({ endpoint: proxy.url, token: warden.adminToken, retry: fast });
    try {
      const updated = await client.updateServiceAccount(account.id, { description: 'applied once', teams: ['ops'] }, { ifMatch: account.etag });
      expect(updated).toMatchObject({ id: account.id, description: 'applied once', teams: ['public', 'ops'] });
      expect(updated.etag).not.toBe(account.etag);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  test('still fails with 412 when someone else changed the resource', async () => {
    const account = await warden.client.createServiceAccount({ name: 'patched-by-two' });
    await warden.client.updateServiceAccount(account.id, { description: 'someone else' });
    const proxy = await losesFirstPatchAnswer();
    const client = new WardenClient({ endpoint: proxy.url, token: warden.adminToken, retry: fast });
    try {
      await expect(client.updateServiceAccount(account.id, { description: 'mine' }, { ifMatch: account.etag })).rejects.toBeInstanceOf(PreconditionFailedError);
      expect((await warden.client.getServiceAccount(account.id)).description).toBe('someone else');
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});
