import { connect } from 'node:net';
import { startServer } from '../support/server';
import { uniqueName } from '../support/fixtures';

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const auth = () => ({ authorization: `Bearer ${server.adminToken}` });

/** Sends raw bytes (what fetch cannot send) and returns the raw answer. */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('HTTP protocol details', () => {
  test('ETag is a header as well as a body field, on reads and writes', async () => {
    const created = await fetch(`${server.url}/v1/service-accounts`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: uniqueName('etag') }),
    });
    const account = (await created.json()) as { id: string; etag: string };
    expect(created.headers.get('etag')).toBe(account.etag);
    const read = await fetch(`${server.url}/v1/service-accounts/${account.id}`, { headers: auth() });
    expect(read.headers.get('etag')).toBe(((await read.json()) as { etag: string }).etag);
    const list = await fetch(`${server.url}/v1/service-accounts`, { headers: auth() });
    await list.arrayBuffer();
    expect(list.headers.get('etag')).toBeNull();
  });

  test('If-Match: * proceeds, a list of tags matches any of them, a stale tag is 412', async () => {
    const account = await server.client.createServiceAccount({ name: uniqueName('match') });
    const patch = (ifMatch: string, description: string) =>
      fetch(`${server.url}/v1/service-accounts/${account.id}`, {
        method: 'PATCH',
        headers: { ...auth(), 'content-type': 'application/json', 'if-match': ifMatch },
        body: JSON.stringify({ description }),
      });
    const star = await patch('*', 'one');
    expect(star.status).toBe(200);
    const etag = star.headers.get('etag')!;
    await star.arrayBuffer();
    const listed = await patch(`"stale", ${etag}`, 'two');
    expect(listed.status).toBe(200);
    await listed.arrayBuffer();
    const stale = await patch(etag, 'three');
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { code: string }).code).toBe('WARDEN_ERR_PRECONDITION_FAILED');
  });

  test('an unsupported method on a known path is 405 with Allow', async () => {
    const res = await fetch(`${server.url}/v1/whoami`, { method: 'DELETE', headers: auth() });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(((await res.json()) as { code: string }).code).toBe('WARDEN_ERR_METHOD_NOT_ALLOWED');
    const tokens = await fetch(`${server.url}/v1/service-accounts/sa_x/tokens/tok_y`, { method: 'PUT', headers: auth() });
    expect(tokens.headers.get('allow')).toBe('DELETE, GET, HEAD, PATCH');
    await tokens.arrayBuffer();
  });

  test('a malformed URL escape is a problem document with a request id', async () => {
    const res = await fetch(`${server.url}/v1/service-accounts/%E0%A4%A`, { headers: auth() });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { code: string; request_id: string };
    expect(problem.code).toBe('WARDEN_ERR_BAD_URL');
    expect(problem.request_id).toBe(res.headers.get('x-request-id'));
  });

  test.each([
    {
      what: 'headers over the size limit',
      request: `GET /v1/whoami HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      status: 431,
      code: 'WARDEN_ERR_HEADERS_TOO_LARGE',
    },
    { what: 'a malformed request line', request: 'GET /v1/who ami HTTP/1.1\r\nHost: x\r\n\r\n', status: 400, code: 'WARDEN_ERR_BAD_REQUEST' },
  ])("Node's own refusal of $what is a problem document with a request id", async ({ request, status, code }) => {
    const answer = await raw(request);
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    const requestId = /x-request-id: (\S+)/i.exec(head!)?.[1];
    expect(JSON.parse(body!)).toMatchObject({ status, code, request_id: requestId });
  });
});
