import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { SCIM_PATCH_SCHEMA, SCIM_USER_SCHEMA } from '../../api-client/contract';
import { type Prism, type Violation, serverViolations, startPrismProxy } from '../support/prism';
import { ROOT, startServer } from '../support/server';
import { OidcIssuer } from '../support/oidc-issuer';

/**
 * Item 11 of issue 12: the served OpenAPI document describes everything the server answers. Two
 * validators nobody here wrote judge it: @seriousme/openapi-schema-validator checks the document
 * against the OpenAPI 3.1 schema, and Stoplight Prism, as a proxy in front of the real server,
 * checks every answer of a run that calls every documented operation, refusals included.
 */
type Doc = {
  openapi: string;
  info: { license?: { identifier?: string } };
  paths: Record<string, Record<string, { operationId: string; tags?: string[]; responses: Record<string, unknown> }>>;
};

const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
let server: Awaited<ReturnType<typeof startServer>>;
let prism: Prism;
let doc: Doc;
let issuer: OidcIssuer;

beforeAll(async () => {
  issuer = await OidcIssuer.start();
  server = await startServer({ bootstrapPassword: PASSWORD, unauthenticatedRateLimit: 5, federation: { allowHttpLoopback: true } });
  doc = (await (await fetch(`${server.url}/v1/openapi.json`)).json()) as Doc;
  prism = await startPrismProxy(`${server.url}/v1/openapi.json`, server.url);
}, 90_000);
afterAll(async () => {
  await prism?.stop();
  await server?.stop();
  await issuer?.stop();
});

/** Operation templates of the document, to say which operation each call exercised. */
function operationOf(method: string, path: string): string | undefined {
  for (const [template, ops] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(path.split('?')[0]!)) return ops[method.toLowerCase()]?.operationId;
  }
  return undefined;
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}
const found: { call: string; violation: Violation }[] = [];
const exercised = new Map<string, Set<number>>();

/** One call through the validating proxy; its violations are collected, its answer returned. */
async function call(
  method: string,
  path: string,
  opts: { token?: string | null; json?: unknown; raw?: string; type?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? server.adminToken : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (opts.json !== undefined) body = JSON.stringify(opts.json);
  if (opts.raw !== undefined) body = opts.raw;
  if (body !== undefined) headers['content-type'] = opts.type ?? (path.startsWith('/scim/') ? 'application/scim+json' : 'application/json');
  const res = await fetch(`${prism.url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (metrics, the console): kept as text.
  }
  for (const violation of serverViolations(res.headers)) found.push({ call: `${method} ${path} -> ${res.status}`, violation });
  const op = operationOf(method, path) ?? `(undocumented) ${method} ${path}`;
  const statuses = exercised.get(op) ?? new Set<number>();
  exercised.set(op, statuses.add(res.status));
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Asserts the status, so that the run stays the sequence it says it is. */
async function expectCall(status: number, method: string, path: string, opts: Parameters<typeof call>[2] = {}): Promise<Answer> {
  const answer = await call(method, path, opts);
  expect({ call: `${method} ${path}`, status: answer.status, body: answer.status === status ? undefined : answer.body }).toEqual({
    call: `${method} ${path}`,
    status,
    body: undefined,
  });
  return answer;
}

const idOf = (a: Answer) => (a.body as { id: string }).id;
const etagOf = (a: Answer) => a.headers.get('etag') ?? '';

test('the served document is valid OpenAPI 3.1 with a license', () => {
  // The validator is an ES module, which jest's CommonJS runtime cannot load: it runs in node.
  const script =
    "import { Validator } from '@seriousme/openapi-schema-validator'; let s = ''; for await (const c of process.stdin) s += c; const v = new Validator(); process.stdout.write(JSON.stringify(await v.validate(JSON.parse(s))));";
  const result = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, input: JSON.stringify(doc) }).toString()) as {
    valid: boolean;
    errors?: unknown[];
  };
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(doc.openapi).toMatch(/^3\.1\./);
  expect(doc.info.license?.identifier).toBe('MPL-2.0');
});

test('every answer of a run through every operation conforms to the served document (Prism proxy)', async () => {
  // Probes, the document itself, the console.
  await expectCall(200, 'GET', '/healthz', { token: null });
  await expectCall(200, 'GET', '/readyz', { token: null });
  await expectCall(200, 'GET', '/metrics', { token: null });
  await expectCall(200, 'GET', '/v1/openapi.json', { token: null });
  await expectCall(200, 'GET', '/', { token: null });
  await expectCall(200, 'GET', '/console/app.js', { token: null });
  await expectCall(404, 'GET', '/console/nope.js', { token: null });

  // Who am I, and the refusals every authenticated route shares.
  await expectCall(200, 'GET', '/v1/whoami');
  await expectCall(401, 'GET', '/v1/whoami', { token: null });
  await expectCall(400, 'GET', '/v1/projects?limit=1e2');

  // Projects: create, conflict, bad input, media type, size, idempotency, preconditions.
  const project = await expectCall(201, 'POST', '/v1/projects', { json: { name: 'payments', description: 'Payments' } });
  await expectCall(409, 'POST', '/v1/projects', { json: { name: 'payments' } });
  await expectCall(400, 'POST', '/v1/projects', { json: { name: 'Bad Name' } });
  await expectCall(400, 'POST', '/v1/projects', { raw: '{"name":' });
  await expectCall(415, 'POST', '/v1/projects', { raw: 'name=x', type: 'text/plain' });
  await expectCall(413, 'POST', '/v1/projects', { json: { name: 'big', description: 'x'.repeat(70 * 1024) } });
  await expectCall(201, 'POST', '/v1/projects', { json: { name: 'once' }, headers: { 'idempotency-key': 'k-1' } });
  await expectCall(201, 'POST', '/v1/projects', { json: { name: 'once' }, headers: { 'idempotency-key': 'k-1' } });
  await expectCall(422, 'POST', '/v1/projects', { json: { name: 'other' }, headers: { 'idempotency-key': 'k-1' } });
  await expectCall(200, 'GET', '/v1/projects');
  const projectId = idOf(project);
  const read = await expectCall(200, 'GET', `/v1/projects/${projectId}`);
  await expectCall(404, 'GET', '/v1/projects/prj_missing');
  await expectCall(200, 'PATCH', `/v1/projects/${projectId}`, { json: { description: 'Payments team' }, headers: { 'if-match': etagOf(read) } });
  await expectCall(412, 'PATCH', `/v1/projects/${projectId}`, { json: { description: 'stale' }, headers: { 'if-match': etagOf(read) } });
  await expectCall(405, 'PUT', `/v1/projects/${projectId}`, { json: { name: 'payments' } });
  await expectCall(405, 'GET', '/v1/sessions/current');

  // Roles.
  await expectCall(201, 'POST', '/v1/roles', { json: { name: 'auditor', description: 'Reads audit', permissions: ['audit:read'] } });
  await expectCall(200, 'GET', '/v1/roles');
  const role = await expectCall(200, 'GET', '/v1/roles/auditor');
  await expectCall(200, 'PATCH', '/v1/roles/auditor', { json: { description: 'Reads the audit log' }, headers: { 'if-match': etagOf(role) } });

  // Service accounts, bindings, tokens.
  const account = await expectCall(201, 'POST', '/v1/service-accounts', { json: { name: 'ci-deployer', project_id: projectId, teams: ['platform'] } });
  const accountId = idOf(account);
  await expectCall(200, 'GET', `/v1/service-accounts?project_id=${projectId}`);
  const accountRead = await expectCall(200, 'GET', `/v1/service-accounts/${accountId}`);
  await expectCall(200, 'PATCH', `/v1/service-accounts/${accountId}`, { json: { display_name: 'CI deployer' }, headers: { 'if-match': etagOf(accountRead) } });
  const binding = await expectCall(201, 'POST', '/v1/role-bindings', { json: { service_account_id: accountId, role: 'auditor', project_id: projectId } });
  await expectCall(409, 'POST', '/v1/role-bindings', { json: { service_account_id: accountId, role: 'auditor', project_id: projectId } });
  await expectCall(200, 'GET', `/v1/role-bindings?service_account_id=${accountId}`);
  await expectCall(200, 'GET', `/v1/role-bindings/${idOf(binding)}`);
  const tokens = `/v1/service-accounts/${accountId}/tokens`;
  const token = await expectCall(201, 'POST', tokens, { json: { name: 'deploy', expires_in_days: 30 }, headers: { 'idempotency-key': 'tok-1' } });
  await expectCall(201, 'POST', tokens, { json: { name: 'deploy', expires_in_days: 30 }, headers: { 'idempotency-key': 'tok-1' } });
  const tokenId = idOf(token);
  const scimOnly = await expectCall(201, 'POST', tokens, { json: { name: 'scim-only', scopes: ['scim'] } });
  await expectCall(403, 'GET', '/v1/projects', { token: (scimOnly.body as { token: string }).token });
  await expectCall(200, 'GET', tokens);
  const tokenRead = await expectCall(200, 'GET', `${tokens}/${tokenId}`);
  await expectCall(200, 'PATCH', `${tokens}/${tokenId}`, { json: { disabled: true }, headers: { 'if-match': etagOf(tokenRead) } });
  await expectCall(200, 'POST', `${tokens}/${tokenId}/regenerate`, { json: {} });
  await expectCall(400, 'POST', `${tokens}/${tokenId}/regenerate`, { json: { overlap_seconds: -1 } });
  await expectCall(204, 'DELETE', `${tokens}/${tokenId}`);

  // Federated credentials and the token exchange (form-encoded; RFC 6749 errors).
  const credentials = `/v1/service-accounts/${accountId}/federated-credentials`;
  const credential = await expectCall(201, 'POST', credentials, { json: { name: 'ci', issuer: issuer.url, audience: 'warden', subject: 'repo:acme/*' } });
  await expectCall(400, 'POST', credentials, { json: { name: 'ci', issuer: 'ftp://x', audience: 'warden', subject: 'x' } });
  await expectCall(200, 'GET', credentials);
  await expectCall(200, 'GET', `${credentials}/${idOf(credential)}`);
  const form = (subjectToken: string) =>
    new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: subjectToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    }).toString();
  const formType = 'application/x-www-form-urlencoded';
  await expectCall(200, 'POST', '/v1/oauth/token', { token: null, raw: form(await issuer.mint({ sub: 'repo:acme/app' })), type: formType });
  await expectCall(400, 'POST', '/v1/oauth/token', { token: null, raw: form(await issuer.mint({ sub: 'repo:evil/app' })), type: formType });
  await expectCall(204, 'DELETE', `${credentials}/${idOf(credential)}`);
  await expectCall(204, 'DELETE', `/v1/role-bindings/${idOf(binding)}`);
  await expectCall(409, 'DELETE', '/v1/roles/admin');
  await expectCall(204, 'DELETE', '/v1/roles/auditor');
  await expectCall(409, 'DELETE', `/v1/projects/${projectId}`);
  await expectCall(204, 'DELETE', `/v1/service-accounts/${accountId}`);
  await expectCall(204, 'DELETE', `/v1/projects/${projectId}`);

  // People, personal tokens, sessions (rate limited to 5 a minute here).
  const person = await expectCall(201, 'POST', '/v1/users', { json: { email: 'dev@example.com', name: 'Dev', password: PASSWORD, role: 'member' } });
  const personId = idOf(person);
  await expectCall(200, 'GET', '/v1/users');
  await expectCall(200, 'GET', `/v1/users/${personId}`);
  const mine = `/v1/users/${personId}/tokens`;
  const personal = await expectCall(201, 'POST', mine, { json: { name: 'laptop' } });
  await expectCall(200, 'GET', mine);
  const personalRead = await expectCall(200, 'GET', `${mine}/${idOf(personal)}`);
  await expectCall(200, 'PATCH', `${mine}/${idOf(personal)}`, { json: { disabled: true }, headers: { 'if-match': etagOf(personalRead) } });
  await expectCall(200, 'POST', `${mine}/${idOf(personal)}/regenerate`, { json: { expires_in_days: 7 } });
  await expectCall(204, 'DELETE', `${mine}/${idOf(personal)}`);
  const session = await expectCall(201, 'POST', '/v1/sessions', { token: null, json: { email: 'dev@example.com', password: PASSWORD } });
  await expectCall(401, 'POST', '/v1/sessions', { token: null, json: { email: 'dev@example.com', password: 'wrong-password' } });
  await expectCall(400, 'DELETE', '/v1/sessions/current');
  await expectCall(204, 'DELETE', '/v1/sessions/current', { token: (session.body as { token: string }).token });
  let limited: Answer | undefined;
  for (let i = 0; i < 5 && limited?.status !== 429; i++)
    limited = await call('POST', '/v1/sessions', { token: null, json: { email: 'dev@example.com', password: 'wrong-password' } });
  expect(limited?.status).toBe(429);
  expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
  await expectCall(202, 'POST', '/v1/tokens/report-leak', { token: null, json: { token: 'wdn_not_a_real_token' } });
  limited = undefined;
  for (let i = 0; i < 6 && limited?.status !== 429; i++) limited = await call('POST', '/v1/tokens/report-leak', { token: null, json: { token: 'wdn_x' } });
  expect(limited?.status).toBe(429);
  await expectCall(200, 'GET', '/v1/audit-events?limit=50');

  // SCIM: discovery, the user lifecycle, its own refusals.
  for (const p of ['ServiceProviderConfig', 'Schemas', `Schemas/${SCIM_USER_SCHEMA}`, 'ResourceTypes', 'ResourceTypes/User'])
    await expectCall(200, 'GET', `/scim/v2/${p}`, { token: null });
  await expectCall(404, 'GET', '/scim/v2/ResourceTypes/Group', { token: null });
  const scimUser = { schemas: [SCIM_USER_SCHEMA], userName: 'ada@example.com', displayName: 'Ada', externalId: 'ext-1' };
  const created = await expectCall(201, 'POST', '/scim/v2/Users', { json: scimUser });
  expect(created.headers.get('location')).toBe(`/scim/v2/Users/${idOf(created)}`);
  await expectCall(409, 'POST', '/scim/v2/Users', { json: scimUser });
  await expectCall(400, 'POST', '/scim/v2/Users', { raw: '{' });
  await expectCall(415, 'POST', '/scim/v2/Users', { raw: 'x', type: 'text/plain' });
  await expectCall(200, 'GET', '/scim/v2/Users?filter=userName%20eq%20%22ada@example.com%22&startIndex=0&count=5');
  const userPath = `/scim/v2/Users/${idOf(created)}`;
  const got = await expectCall(200, 'GET', userPath);
  await expectCall(404, 'GET', '/scim/v2/Users/usr_missing');
  await expectCall(401, 'GET', '/scim/v2/Users', { token: null });
  await expectCall(200, 'PUT', userPath, { json: { ...scimUser, displayName: 'Ada L.' }, headers: { 'if-match': etagOf(got) } });
  await expectCall(412, 'PATCH', userPath, {
    json: { schemas: [SCIM_PATCH_SCHEMA], Operations: [{ op: 'Replace', path: 'title', value: 'x' }] },
    headers: { 'if-match': etagOf(got) },
  });
  await expectCall(200, 'PATCH', userPath, { json: { schemas: [SCIM_PATCH_SCHEMA], Operations: [{ op: 'Replace', value: { active: 'False' } }] } });
  await expectCall(204, 'DELETE', userPath);
  await expectCall(405, 'POST', userPath, { json: scimUser });

  expect(found).toEqual([]);
  // Every documented operation was called, except those that only answer 405; and the run met
  // each status the issue names.
  const documented = Object.values(doc.paths).flatMap((ops) =>
    Object.values(ops)
      .filter((op) => !op.tags?.includes('405'))
      .map((op) => op.operationId),
  );
  expect(documented.filter((id) => !exercised.has(id))).toEqual([]);
  expect([...exercised.keys()].filter((k) => k.startsWith('(undocumented)'))).toEqual([]);
  const seen = new Set([...exercised.values()].flatMap((s) => [...s]));
  for (const status of [401, 405, 412, 413, 415, 422, 429]) expect({ status, seen: seen.has(status) }).toEqual({ status, seen: true });
}, 120_000);

test('the proxy reports a document that departs from the server (an undeclared status, a missing header, a wrong body)', async () => {
  // A tampered copy of the served document: the check above would fail on each of these.
  const dir = mkdtempSync(join(tmpdir(), 'warden-openapi-'));
  const tampered = JSON.parse(JSON.stringify(doc)) as Doc & {
    paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema: object }> }> }>>;
  };
  delete tampered.paths['/v1/projects/{id}']!.get!.responses['404'];
  tampered.paths['/healthz']!.get!.responses['200']!.headers!['X-Tampered'] = { required: true, schema: { type: 'string' } };
  tampered.paths['/v1/whoami']!.get!.responses['200']!.content!['application/json']!.schema = { type: 'object', required: ['nope'] };
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(tampered));
  const other = await startPrismProxy(file, server.url);
  try {
    const violations = async (path: string, init?: RequestInit) => serverViolations((await fetch(`${other.url}${path}`, init)).headers).map((v) => v.message);
    const admin = { headers: { authorization: `Bearer ${server.adminToken}` } };
    await expect(violations('/v1/projects/prj_missing', admin)).resolves.toEqual([expect.stringMatching(/status code/)]);
    await expect(violations('/healthz')).resolves.toEqual([expect.stringMatching(/x-tampered/i)]);
    await expect(violations('/v1/whoami', admin)).resolves.toEqual([expect.stringMatching(/nope/)]);
  } finally {
    await other.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
