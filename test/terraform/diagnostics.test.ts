import { ERRORS } from '../../api-client/contract';
import { httpError } from '../../api-client/errors';
import { ResourceError, resources } from '../../provider/resources';
import { errorDiagnostics, toProtocol } from '../../provider/terraform/framework/diagnostics';

// Failures as terraform-plugin-framework providers word them: "Unable to <verb> <type>", what to
// do next, then the server's words and the request id, once, on the attribute the server named.

const binding = resources.find((r) => r.typeName === 'warden_role_binding')!;
const refusal = (status: number, code: string, extra: object = {}) =>
  httpError({ method: 'POST', path: '/v1/role-bindings' }, status, { type: 'x', title: 't', status, code, detail: 'the server says why', ...extra }, 'req-42');

describe('diagnostics of failed operations', () => {
  test.each([
    ['create', 403, ERRORS.FORBIDDEN.code, /Grant its service account a role binding/],
    ['delete', 409, ERRORS.LAST_ADMIN.code, /Resolve the conflict/],
    ['read', 503, 'WARDEN_CLIENT_ERR_HTTP_503', /Check that it is up/],
  ] as const)('a %s refused with %i says the operation, what to do next, the original error and the request id once', (operation, status, code, next) => {
    const [d, ...more] = errorDiagnostics(refusal(status, code), operation, binding).map(toProtocol);
    expect(more).toEqual([]);
    expect(d!.summary).toBe(`Unable to ${operation} warden_role_binding`);
    expect(d!.detail).toMatch(next);
    expect(d!.detail).toContain(`\n\nOriginal error: POST /v1/role-bindings failed with ${status}`);
    expect(d!.detail).toContain(`(${code})`);
    expect(d!.detail!.match(/request id/gi)).toEqual(['Request id']);
    expect(d!.detail).toContain('Request id: req-42');
    expect(d!.attribute).toBeUndefined();
  });

  test("field errors on the resource's own attributes each point at their attribute; others do not", () => {
    const err = refusal(400, ERRORS.VALIDATION.code, {
      errors: [
        { path: 'role', message: 'does not exist' },
        { path: 'query.limit', message: 'too big' },
      ],
    });
    const found = errorDiagnostics(err, 'create', binding).map(toProtocol);
    expect(found).toEqual([
      expect.objectContaining({
        summary: 'Unable to create warden_role_binding',
        detail: expect.stringContaining('The server refused the value of "role": does not exist.'),
        attribute: { steps: [{ attributeName: 'role' }] },
      }),
    ]);
  });

  test("a resource's own refusal keeps its words and quotes the server error behind it", () => {
    const err = new ResourceError({ summary: (n) => `Bad ${n('role')}`, detail: 'Do this instead.', path: ['role'] }, refusal(409, ERRORS.BINDING_EXISTS.code));
    const [d] = errorDiagnostics(err, 'create', binding).map(toProtocol);
    expect(d).toMatchObject({ summary: 'Bad "role"', attribute: { steps: [{ attributeName: 'role' }] } });
    expect(d!.detail).toMatch(/^Do this instead\.\n\nOriginal error: .*\(WARDEN_ERR_BINDING_EXISTS\)\n\nRequest id: req-42$/s);
  });

  test('anything else is an unexpected error, without a stack trace', () => {
    const [d] = errorDiagnostics(new Error('boom'), 'update', binding).map(toProtocol);
    expect(d).toMatchObject({
      summary: 'Unable to update warden_role_binding',
      detail: expect.stringContaining('An unexpected error occurred while trying to update warden_role_binding'),
    });
    expect(d!.detail).toContain('Original error: boom');
    expect(d!.detail).not.toMatch(/\n\s+at /);
  });
});
