import * as grpc from '@grpc/grpc-js';
import { plugin } from './generated/protocol';
import { selfSignedCertificate } from './certificate';

/**
 * go-plugin's side of the conversation with Terraform: the handshake line on stdout, a gRPC
 * server with mutual TLS, and the controller, stdio and health services Terraform expects next to
 * the provider service.
 */

const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const CORE_PROTOCOL_VERSION = 1;
const PROVIDER_PROTOCOL_VERSION = 6;

interface MessageType<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

/** A unary or server-streaming method definition for grpc-js from static protobuf types. */
export function method<Req, Res>(path: string, request: MessageType<Req>, response: MessageType<Res>, responseStream = false): grpc.MethodDefinition<Req, Res> {
  return {
    path,
    requestStream: false,
    responseStream,
    requestSerialize: (m: Req) => Buffer.from(request.encode(m).finish()),
    requestDeserialize: (b: Buffer) => request.decode(b),
    responseSerialize: (m: Res) => Buffer.from(response.encode(m).finish()),
    responseDeserialize: (b: Buffer) => response.decode(b),
  };
}

export class HandshakeError extends Error {}

/** Refuses to run outside Terraform, with the sentence go-plugin's own servers print. */
export function checkLaunchedByTerraform(env: NodeJS.ProcessEnv): void {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    throw new HandshakeError('This binary is a plugin. These are not meant to be executed directly.\nPlease execute the program that consumes these plugins, which will load any plugins automatically');
  }
  const offered = (env.PLUGIN_PROTOCOL_VERSIONS ?? String(PROVIDER_PROTOCOL_VERSION)).split(',').map((v) => Number(v.trim()));
  if (!offered.includes(PROVIDER_PROTOCOL_VERSION)) {
    throw new HandshakeError(`Terraform offers plugin protocol versions ${offered.join(', ')}; this provider speaks version ${PROVIDER_PROTOCOL_VERSION} (Terraform 1.0 or later).`);
  }
}

export interface ServeOptions {
  env: NodeJS.ProcessEnv;
  /** Adds the provider's own service. */
  register(server: grpc.Server): void;
  /** Called when Terraform asks the plugin to stop (GRPCController.Shutdown). */
  onShutdown(): void;
  /** Where the handshake line goes (stdout). */
  writeHandshake(line: string): void;
}

export async function serve(options: ServeOptions): Promise<grpc.Server> {
  checkLaunchedByTerraform(options.env);
  const clientCert = options.env.PLUGIN_CLIENT_CERT;
  const server = new grpc.Server();
  const empty = plugin.Empty;

  server.addService(
    { Shutdown: method('/plugin.GRPCController/Shutdown', empty, empty) },
    {
      Shutdown: (_call: grpc.ServerUnaryCall<plugin.IEmpty, plugin.IEmpty>, callback: grpc.sendUnaryData<plugin.IEmpty>) => {
        callback(null, {});
        // Answer first: Terraform waits for the reply, then for the process to exit.
        setImmediate(options.onShutdown);
      },
    },
  );
  // Terraform subscribes to the plugin's stdio; the provider writes nothing there, so the stream
  // stays open and silent until shutdown.
  server.addService({ StreamStdio: method('/plugin.GRPCStdio/StreamStdio', empty, plugin.StdioData, true) }, { StreamStdio: () => undefined });
  server.addService(
    { Check: method('/grpc.health.v1.Health/Check', plugin.HealthCheckRequest, plugin.HealthCheckResponse) },
    {
      Check: (_call: grpc.ServerUnaryCall<plugin.IHealthCheckRequest, plugin.IHealthCheckResponse>, callback: grpc.sendUnaryData<plugin.IHealthCheckResponse>) =>
        callback(null, { status: plugin.HealthCheckResponse.ServingStatus.SERVING }),
    },
  );
  options.register(server);

  // AutoMTLS: Terraform passes its client certificate; without one (an old or custom client) the
  // connection is plain, as go-plugin does.
  const cert = clientCert ? selfSignedCertificate() : undefined;
  const credentials = cert
    ? grpc.ServerCredentials.createSsl(Buffer.from(clientCert!), [{ private_key: Buffer.from(cert.keyPem), cert_chain: Buffer.from(cert.certPem) }], true)
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))));
  options.writeHandshake(`${CORE_PROTOCOL_VERSION}|${PROVIDER_PROTOCOL_VERSION}|tcp|127.0.0.1:${port}|grpc|${cert?.derBase64 ?? ''}\n`);
  return server;
}
