import { ERRORS, type WardenErrorCode, oauthEntry } from '../../api-client/contract';
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
});
