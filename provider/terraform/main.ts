import module from 'node:module';
import { HandshakeError, serve } from './protocol/plugin-server';
import { protocol, providerMethods } from './protocol/provider-rpc';
import type { ProviderService } from './framework/provider-service';
import type { ProviderSchema } from './framework/schema';
import { getMetadata, getProviderSchema, providersSchemaJson } from './protocol/schema-document';

/**
 * terraform-provider-warden: Terraform starts it, reads the handshake line from stdout and talks
 * gRPC. `terraform-provider-warden schema` prints the schema as `terraform providers schema -json`
 * would.
 */

// Set by scripts/build-provider.ts: the package version, and the schema derived from the
// definitions at build time (this entry only ever runs bundled).
declare const WARDEN_VERSION: string;
declare const WARDEN_PROVIDER_SCHEMA: ProviderSchema;

const { flushCompileCache } = module as { flushCompileCache?: () => void };

async function main(): Promise<void> {
  if (process.argv[2] === 'schema') {
    process.stdout.write(`${JSON.stringify(providersSchemaJson(WARDEN_PROVIDER_SCHEMA), null, 2)}\n`);
    return;
  }
  // stdout carries the handshake only; anything printed by accident goes to stderr (Terraform's log).
  const handshake = process.stdout.write.bind(process.stdout);
  console.log = console.error;

  let service: ProviderService | undefined;
  await serve({
    env: process.env,
    methods: providerMethods(
      () => {
        // A separate file in the bundle (see scripts/build-provider.ts): compiling it is most of
        // the start-up cost, so it waits for the first RPC, after the handshake.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { ProviderService: Service } = require('./framework/provider-service') as typeof import('./framework/provider-service');
        return (service ??= new Service({ version: WARDEN_VERSION, env: process.env }));
      },
      {
        GetProviderSchema: () => getProviderSchema(WARDEN_PROVIDER_SCHEMA),
        GetMetadata: () => getMetadata(WARDEN_PROVIDER_SCHEMA),
        GetFunctions: () => ({}),
        StopProvider: () => ({}),
      },
    ),
    // Open calls (the silent stdio stream) end with the process.
    onShutdown: () => process.exit(0),
    writeHandshake: (line) => {
      handshake(line);
      // While Terraform dials: the message types every call needs, then save what is compiled
      // so far (launcher.ts enabled the cache). Node caches a script as compiled when it saves
      // it, and would not save it again; and Terraform may kill this process without a clean exit.
      setImmediate(() => {
        protocol();
        flushCompileCache?.();
      });
    },
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof HandshakeError ? err.message : `terraform-provider-warden: ${err instanceof Error ? err.message : String(err)}`}\n`);
  process.exit(1);
});
