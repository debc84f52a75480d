import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { routes } from '../../api-client/contract';
import { buildApp } from '../../server/app';
import { openStore } from '../../server/store';
import { startServer } from '../support/server';

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

describe('operating the server', () => {
  test('GET /v1/openapi.json is an OpenAPI 3.1 document with every contract route', async () => {
    const res = await fetch(`${server.url}/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string; requestBody?: unknown }>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const [name, def] of Object.entries(routes)) {
      const op = doc.paths[def.path.replace(/:([a-z_]+)/g, '{$1}')]?.[def.method.toLowerCase()];
      expect({ name, operationId: op?.operationId }).toEqual({ name, operationId: name });
      expect(op?.requestBody !== undefined).toBe('body' in def);
    }
    const create = doc.paths['/v1/service-accounts']!.post as unknown as {
      requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown>; additionalProperties: boolean } } } };
    };
    expect(Object.keys(create.requestBody.content['application/json'].schema.properties)).toEqual(
      expect.arrayContaining(['name', 'display_name', 'description', 'project_id', 'disabled', 'expires_at', 'teams']),
    );
    expect(create.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
  });

  test('health, readiness and Prometheus metrics need no credentials', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready', store: 'sqlite' });
    await server.client.whoami();
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^# TYPE warden_http_requests_total counter$/m);
    expect(metrics).toMatch(/warden_http_requests_total\{method="GET",route="\/v1\/whoami",status="200"\} \d+/);
    expect(metrics).toMatch(/warden_http_request_duration_seconds_bucket\{method="GET",route="\/v1\/whoami",le="\+Inf"\} \d+/);
  });

  test('each request is logged once with its request id, and the id is echoed', async () => {
    const res = await fetch(`${server.url}/v1/whoami`, { headers: { authorization: `Bearer ${server.adminToken}`, 'x-request-id': 'trace-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-123');
    const lines = server
      .logs()
      .split('\n')
      .filter((l) => l.includes('"reqId":"trace-123"'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'request', method: 'GET', url: '/v1/whoami', status: 200 });
  });

  test('an unknown error is a plain 500 that echoes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-500-'));
    const store = await openStore({ dataDir: dir });
    const app = await buildApp({ store });
    app.get('/boom', async () => {
      throw new Error('internal detail: SELECT * FROM secrets');
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/boom' });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('internal detail');
      expect(res.json()).toMatchObject({ code: 'WARDEN_ERR_INTERNAL', status: 500 });
    } finally {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
