import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WardenClient } from '../../api-client';
import { ERRORS, GRANT_TYPE_TOKEN_EXCHANGE, TOKEN_TYPE_JWT, type WardenErrorCode, oauthEntry } from '../../api-client/contract';
import { isWardenError, httpError } from '../../api-client/errors';

describe('the error catalogue', () => {
  test('every code lives once, as a WARDEN_ERR_ code with an HTTP error status and a title', () => {
    const entries = Object.values(ERRORS);
    expect(new Set(entries.map((e) => e.code)).size).toBe(entries.length);
    for (const e of entries) {
      expect(e.code).toMatch(/^WARDEN_ERR_[A-Z0-9_]+$/);
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect(e.title).not.toBe('');
    }
  });

  test('each RFC 6749 error has one entry, which the client reads back as its code', () => {
    for (const error of ['invalid_request', 'invalid_grant', 'invalid_target', 'invalid_scope', 'unsupported_grant_type', 'invalid_client', 'server_error'] as const) {
      expect(oauthEntry(error)).toMatchObject({ oauth: error, code: `WARDEN_ERR_OAUTH_${error.toUpperCase()}` });
    }
  });

  test('a client error carries the server code, and says the request id once', () => {
    const err = httpError(
      { method: 'POST', path: '/v1/role-bindings' },
      409,
      { type: 'x', title: 'Conflict', status: 409, code: ERRORS.BINDING_EXISTS.code, detail: 'already bound' },
      'req-1',
    );
    const code: WardenErrorCode = err.code;
    expect(isWardenError(err) && code === 'WARDEN_ERR_BINDING_EXISTS').toBe(true);
    expect(err.message).toBe('POST /v1/role-bindings failed with 409 Conflict: already bound (request id req-1)');
    expect(err.description).toBe('POST /v1/role-bindings failed with 409 Conflict: already bound');
  });

  test("the token endpoint's own failure (RFC 6749 server_error) reaches the caller with its code and words", async () => {
    // What the server's token endpoint answers when it fails itself (server/http/oauth-routes.ts).
    const failing = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json', 'x-request-id': 'req-9' });
      res.end(JSON.stringify({ error: 'server_error', error_description: 'the exchange failed on the server' }));
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const client = new WardenClient({ endpoint: `http://127.0.0.1:${(failing.address() as AddressInfo).port}`, retry: { retries: 0 } });
    try {
      const refused = await client
        .exchangeToken({ grant_type: GRANT_TYPE_TOKEN_EXCHANGE, subject_token: 'a.b.c', subject_token_type: TOKEN_TYPE_JWT })
        .catch((err: unknown) => err);
      expect(isWardenError(refused) && { code: refused.code, message: refused.message }).toEqual({
        code: ERRORS.OAUTH_SERVER_ERROR.code,
        message: expect.stringContaining('server_error: the exchange failed on the server'),
      });
    } finally {
      await client.close();
      failing.close();
    }
  });
});
