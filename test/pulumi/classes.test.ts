// The user-facing classes under Pulumi's mocks: type tokens, the args sent, every output
// registered, and the token marked secret. The provider itself runs in packed-provider.test.ts.
import * as pulumi from '@pulumi/pulumi';
import { resources } from '../../provider/resources';
import { FederatedCredential, RoleBinding, ServiceAccount, Token } from '../../provider/pulumi';
import { camel } from '../../provider/resources';

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        // The mock's engine answers like the provider: the inputs echoed, plus the computed outputs.
        const computed = args.type.endsWith(':Token') ? { token: 'wdn_mocked', tokenHint: 'wdn_moc', status: 'active' } : { uid: `uid-${args.name}`, createdAt: '2026-01-01T00:00:00Z' };
        return { id: args.id || `${args.name}-id`, state: { ...args.inputs, ...computed } };
      },
      call: (args) => args.inputs,
    },
    'warden-test',
    'test',
    false,
  );
});

// Resources a test only constructs are still registering when it ends: let them finish (their
// providers are serialized by then) before jest tears the module registry down.
afterAll(() => pulumi.runtime.disconnect());

const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

describe('ServiceAccount, RoleBinding and Token', () => {
  it('register under the fixed type tokens with camelCase args', async () => {
    const sa = new ServiceAccount('ci', { name: 'ci-bot', teams: ['platform'], projectId: 'prj_1' });
    const rb = new RoleBinding('ci-editor', { serviceAccountId: sa.id, role: 'editor', projectId: 'prj_1' });
    const tk = new Token('ci-token', { serviceAccountId: sa.id, name: 'ci', expiresInDays: 30, rotationTriggers: { quarter: '2026Q1' }, overlapSeconds: 3600 });
    await Promise.all([value(sa.urn), value(rb.urn), value(tk.urn)]);

    const byName = (name: string) => registered.find((r) => r.name === name)!;
    expect(byName('ci').type).toBe('pulumi-nodejs:dynamic/warden:ServiceAccount');
    expect(byName('ci-editor').type).toBe('pulumi-nodejs:dynamic/warden:RoleBinding');
    expect(byName('ci-token').type).toBe('pulumi-nodejs:dynamic/warden:Token');
    expect(byName('ci').inputs).toMatchObject({ name: 'ci-bot', teams: ['platform'], projectId: 'prj_1' });
    expect(byName('ci-editor').inputs).toMatchObject({ serviceAccountId: 'ci-id', role: 'editor' });
    expect(byName('ci-token').inputs).toMatchObject({ serviceAccountId: 'ci-id', name: 'ci', expiresInDays: 30, rotationTriggers: { quarter: '2026Q1' }, overlapSeconds: 3600 });
    // The provider travels with the inputs as serialized text, as the dynamic-provider host needs it.
    expect(byName('ci-token').inputs.__provider).toEqual(expect.stringContaining("require('warden-iac/pulumi/host')"));
  });

  it('have an Output for every attribute of the definition but id (the resource id) and write-only ones (inputs only)', async () => {
    const instances: Record<string, object> = {
      warden_service_account: new ServiceAccount('all-sa', { name: 'all' }),
      warden_role_binding: new RoleBinding('all-rb', { serviceAccountId: 'sa_1', role: 'member' }),
      warden_token: new Token('all-tk', { serviceAccountId: 'sa_1', name: 'all' }),
      warden_federated_credential: new FederatedCredential('all-fc', { serviceAccountId: 'sa_1', name: 'all', issuer: 'https://issuer.example.com', audience: 'warden', subject: '*' }),
    };
    for (const def of resources) {
      const instance = instances[def.typeName] as Record<string, unknown>;
      for (const [name, a] of Object.entries(def.attributes).filter(([n]) => n !== 'id')) expect({ name, output: pulumi.Output.isInstance(instance[camel(name)]) }).toEqual({ name, output: !a.writeOnly });
      expect(pulumi.Output.isInstance(instance.id)).toBe(true);
    }
  });

  it('resolve outputs from the provider', async () => {
    const sa = new ServiceAccount('out-sa', { name: 'out' });
    const tk = new Token('out-tk', { serviceAccountId: sa.id, name: 'out' });
    expect(await value(sa.uid)).toBe('uid-out-sa');
    expect(await value(tk.tokenHint)).toBe('wdn_moc');
  });

  it('ask the engine to keep the token secret, along with the options the program gave', async () => {
    const seen: pulumi.ResourceOptions[] = [];
    const tk = new Token('secret-tk', { serviceAccountId: 'sa_1', name: 'ci' }, { protect: true, additionalSecretOutputs: ['tokenHint'], transformations: [(args: pulumi.ResourceTransformationArgs) => void seen.push(args.opts)] });
    await value(tk.urn);
    // The engine, not the SDK, applies additionalSecretOutputs: mocks cannot show the marking itself.
    expect(seen).toEqual([expect.objectContaining({ protect: true, additionalSecretOutputs: expect.arrayContaining(['token', 'tokenHint']) })]);
  });

  it('get an existing object by id', async () => {
    const sa = ServiceAccount.get('got', 'sa_existing');
    expect(await value(sa.id)).toBe('sa_existing');
  });
});
