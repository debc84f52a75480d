import type { Codec, Method } from './grpc-server';
import type { tfplugin6 } from './generated/protocol';
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
 * The protocol's message types, loaded by the first RPC rather than before the handshake (the
 * generated code and protobufjs are a good part of what a start would otherwise compile).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const protocol = () => (require('./generated/protocol') as typeof import('./generated/protocol')).tfplugin6;

/**
 * The provider service's methods, by gRPC path. The service itself (definitions, zod, the HTTP
 * client) is loaded by the first call that needs it, so the handshake stays fast and a process
 * that only serves the schema never loads it. A handler that throws answers with an error
 * diagnostic instead of failing the RPC.
 */
export function providerMethods(load: () => ProviderService, light: LightAnswers): Map<string, Method> {
  return new Map(
    RPCS.map((name): [string, Method] => [
      `/tfplugin6.Provider/${name}`,
      {
        kind: 'unary',
        codecs: () => {
          const types = protocol()[name] as unknown as { Request: Codec<unknown>; Response: Codec<unknown> };
          return { request: types.Request, response: types.Response };
        },
        handle: (request) =>
          Promise.resolve()
            .then(() => {
              if (light[name]) return light[name]();
              const service = load();
              return (service[handlerName(name)] as Handler).call(service, request);
            })
            .catch((err: unknown): { diagnostics: tfplugin6.IDiagnostic[] } => ({
              diagnostics: [
                {
                  severity: protocol().Diagnostic.Severity.ERROR,
                  summary: 'Unexpected error in terraform-provider-warden',
                  detail: err instanceof Error ? err.message : String(err),
                },
              ],
            })),
      },
    ]),
  );
}

function handlerName(rpc: Rpc): keyof ProviderService {
  return (rpc[0]!.toLowerCase() + rpc.slice(1)) as keyof ProviderService;
}
