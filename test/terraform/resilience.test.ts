import { type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../support/ports';
import { type ProcessServer, startServerProcess } from '../support/server';
import { ENGINES, TerraformWorkspace } from '../support/terraform';
import { waitFor } from '../support/wait';

// Failures between Terraform and the server: none of them may leave duplicates or orphans.

/** A proxy that answers 503 to the first `failures` requests, then forwards to the server. */
async function flakyProxy(target: string, failures: number): Promise<{ url: string; failed: () => number; close: () => Promise<void> }> {
  let failed = 0;
  const upstream = new URL(target);
  const proxy: Server = createServer((req, res) => {
    if (failed < failures) {
      failed++;
      req.resume();
      res
        .writeHead(503, { 'retry-after': '0', 'content-type': 'application/problem+json' })
        .end('{"type":"about:blank","title":"Unavailable","status":503,"code":"WARDEN_ERR_UNAVAILABLE"}');
      return;
    }
    const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    failed: () => failed,
    close: () => new Promise((r) => proxy.close(() => r())),
  };
}

const accounts = (n: number, prefix: string) =>
  Array.from(
    { length: n },
    (_, i) => `
resource "warden_service_account" "${prefix}${i}" {
  name = "${prefix}${i}"
}
resource "warden_role_binding" "${prefix}${i}" {
  service_account_id = warden_service_account.${prefix}${i}.id
  role               = "member"
}
resource "warden_token" "${prefix}${i}" {
  service_account_id = warden_service_account.${prefix}${i}.id
  name               = "ci"
  expires_in_days    = 30
}
`,
  ).join('');

describe.each(ENGINES)('terraform-provider-warden on %s when the server misbehaves', (engine) => {
  let server: ProcessServer;
  const workspaces: TerraformWorkspace[] = [];
  const workspace = (endpoint: string) => {
    const tf = new TerraformWorkspace(engine, endpoint, server.adminToken);
    workspaces.push(tf);
    return tf;
  };

  beforeAll(async () => {
    server = await startServerProcess();
  });
  afterAll(async () => {
    for (const tf of workspaces) tf.remove();
    await server.stop();
  });

  test('an unreachable server is one clear error, not a stack trace', async () => {
    // A port nothing listens on (the tiny chance that something binds it meanwhile would fail this test loudly, not pass it).
    const tf = workspace(`http://127.0.0.1:${await freePort()}`);
    tf.write(`provider "warden" {}\n${accounts(1, 'unreachable')}`);
    await tf.init();
    const result = await tf.run(['plan', '-no-color', '-input=false']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error: Cannot reach the Warden server at http://127.0.0.1:');
    expect(result.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  });

  test('a server answering 503 to the first calls is retried and the apply succeeds', async () => {
    const proxy = await flakyProxy(server.url, 3);
    try {
      const tf = workspace(proxy.url);
      tf.write(`provider "warden" {}\n${accounts(2, 'flaky')}`);
      await tf.init();
      await tf.apply();
      expect(proxy.failed()).toBe(3);
      await tf.plan(0);
      await tf.destroy();
    } finally {
      await proxy.close();
    }
  });

  test('the server killed in the middle of an apply: the next apply converges with no duplicate and no orphan', async () => {
    const tf = workspace(server.url);
    // 34 accounts, each with a binding and a token: 102 resources.
    tf.write(`provider "warden" {}\n${accounts(34, 'crash')}`);
    await tf.init();
    let finished = false;
    const apply = tf.run(['apply', '-auto-approve', '-input=false', '-no-color', '-parallelism=10']).finally(() => (finished = true));
    // Kill once the server has acknowledged part of the apply.
    const created = async () => (await server.client.listServiceAccounts({ limit: 500 })).items.filter((sa) => sa.name.startsWith('crash')).length;
    await waitFor('20 of the 34 accounts created, or the apply done', async () => finished || (await created()) >= 20, { timeoutMs: 120_000, intervalMs: 100 });
    expect(finished).toBe(false);
    await server.kill('SIGKILL');
    // The apply fails on the dead server (its retries give up), and only then does the server come back, on the same port.
    const interrupted = await apply;
    expect(interrupted.code).toBe(1);
    await server.restart();

    await tf.apply();
    await tf.plan(0);

    const state = await tf.state();
    const inState = new Set(state.values!.root_module.resources!.map((r) => r.values.id as string));
    const onServer = (await server.client.listServiceAccounts({ limit: 500 })).items.filter((sa) => sa.name.startsWith('crash'));
    expect(onServer.map((sa) => sa.name).sort()).toEqual(Array.from({ length: 34 }, (_, i) => `crash${i}`).sort());
    for (const sa of onServer) {
      expect(inState.has(sa.id)).toBe(true);
      const bindings = (await server.client.listRoleBindings({ service_account_id: sa.id })).items;
      expect(bindings).toHaveLength(1);
      expect(inState.has(bindings[0]!.id)).toBe(true);
      const live = (await server.client.listServiceAccountTokens(sa.id)).items.filter((t) => t.state === 'active');
      expect(live).toHaveLength(1);
      expect(inState.has(live[0]!.id)).toBe(true);
    }
  });
});
