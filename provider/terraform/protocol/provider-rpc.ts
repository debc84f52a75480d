import type * as grpc from '@grpc/grpc-js';
import { method } from './plugin-server';
import { tfplugin6 as tf } from './generated/protocol';
import type { ProviderService } from '../framework/provider-service';

/** Every tfplugin6.Provider RPC this provider answers; its handler is the method of the same name. */
const RPCS = [
  'GetMetadata',
  'GetProviderSchema',
  'ValidateProviderConfig',
  'ValidateResourceConfig',
  'ValidateDataResourceConfig',
  'ValidateEphemeralResourceConfig',
  'UpgradeResourceState',
  'ConfigureProvider',
  'ReadResource',
  'PlanResourceChange',
  'ApplyResourceChange',
  'ImportResourceState',
  'ReadDataSource',
  'OpenEphemeralResource',
  'RenewEphemeralResource',
  'CloseEphemeralResource',
  'GetFunctions',
  'StopProvider',
] as const;

export type Rpc = (typeof RPCS)[number];
type Handler = (request: unknown) => unknown;
/** RPCs answered without loading the provider service (the schema, from the embedded document). */
export type LightAnswers = Partial<Record<Rpc, () => unknown>>;

/**
 * Registers the provider service with only the protocol's message types loaded; the service
 * itself (definitions, zod, the HTTP client) is loaded by the first call that needs it, so the
 * handshake stays fast and a process that only serves the schema never loads it. A handler that throws answers with an error diagnostic instead of failing the RPC.
 */
export function registerProviderService(server: grpc.Server, load: () => ProviderService, light: LightAnswers): void {
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const name of RPCS) {
    const types = tf[name] as unknown as { Request: Parameters<typeof method>[1]; Response: Parameters<typeof method>[2] };
    definition[name] = method(`/tfplugin6.Provider/${name}`, types.Request, types.Response) as grpc.MethodDefinition<unknown, unknown>;
    implementation[name] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      Promise.resolve()
        .then(() => {
          if (light[name]) return light[name]();
          const service = load();
          return (service[handlerName(name)] as Handler).call(service, call.request);
        })
        .then(
          (response) => callback(null, response),
          (err: unknown) =>
            callback(null, {
              diagnostics: [{ severity: tf.Diagnostic.Severity.ERROR, summary: 'Unexpected error in terraform-provider-warden', detail: err instanceof Error ? err.message : String(err) }],
            }),
        );
    };
  }
  server.addService(definition as grpc.ServiceDefinition, implementation);
}

function handlerName(rpc: Rpc): keyof ProviderService {
  return (rpc[0]!.toLowerCase() + rpc.slice(1)) as keyof ProviderService;
}
