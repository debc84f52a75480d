// examples/pulumi type-checks with the repository's compiler settings, and, run under Pulumi's
// mocks, declares what its README says.
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import ts from 'typescript';
import { ROOT } from '../support/server';

const EXAMPLE = join(ROOT, 'examples', 'pulumi', 'index.ts');

it('type-checks', () => {
  const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const program = ts.createProgram([EXAMPLE], { ...options, noEmit: true });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(diagnostics).toEqual([]);
});

it("declares two teams' accounts bound in their projects and a rotating token exported as a secret", async () => {
  const registered: { type: string; inputs: Record<string, unknown> }[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, inputs: args.inputs as Record<string, unknown> });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...(args.type.endsWith(':Token') ? { token: 'wdn_mocked', tokenHint: 'wdn_moc' } : {}) } };
      },
      call: (args) => args.inputs,
    },
    'warden-teams',
    'dev',
    false,
  );
  pulumi.runtime.setAllConfig({ 'projects:payments': 'prj_payments', 'projects:search': 'prj_search', 'warden-teams:quarter': '2026Q3' });
  const program = (await import(EXAMPLE)) as { ciToken: pulumi.Output<string>; ciTokenHint: pulumi.Output<string> };
  const resolved = await new Promise<string>((resolve) => program.ciToken.apply(resolve));

  const of = (type: string) => registered.filter((r) => r.type === `pulumi-nodejs:dynamic/warden:${type}`).map((r) => r.inputs);
  expect(of('ServiceAccount')).toEqual([
    expect.objectContaining({ name: 'payments-deployer', projectId: 'prj_payments' }),
    expect.objectContaining({ name: 'search-deployer', projectId: 'prj_search' }),
  ]);
  expect(of('RoleBinding')).toEqual([
    expect.objectContaining({ serviceAccountId: 'payments-deployer-id', role: 'editor', projectId: 'prj_payments' }),
    expect.objectContaining({ serviceAccountId: 'search-deployer-id', role: 'editor', projectId: 'prj_search' }),
  ]);
  expect(of('Token')).toEqual([expect.objectContaining({ name: 'ci', rotationTriggers: { quarter: '2026Q3' }, overlapSeconds: 3600 })]);
  expect(resolved).toBe('wdn_mocked');
  expect(await pulumi.isSecret(program.ciToken)).toBe(true);
  expect(await pulumi.isSecret(program.ciTokenHint)).toBe(false);
});
