import type * as http2 from 'node:http2';
import * as net from 'node:net';
import { selfSignedCertificate } from './certificate';
import { type Method, serveGrpc } from './grpc-server';

/**
 * go-plugin's side of the conversation with Terraform: the handshake line on stdout, a gRPC
 * server with mutual TLS, and the controller, stdio and health services Terraform expects next to
 * the provider service.
 */

const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const CORE_PROTOCOL_VERSION = 1;
const PROVIDER_PROTOCOL_VERSION = 6;

export class HandshakeError extends Error {}

/** Refuses to run outside Terraform, with the sentence go-plugin's own servers print. */
export function checkLaunchedByTerraform(env: NodeJS.ProcessEnv): void {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    throw new HandshakeError(
      'This binary is a plugin. These are not meant to be executed directly.\nPlease execute the program that consumes these plugins, which will load any plugins automatically',
    );
  }
  const offered = (env.PLUGIN_PROTOCOL_VERSIONS ?? String(PROVIDER_PROTOCOL_VERSION)).split(',').map((v) => Number(v.trim()));
  if (!offered.includes(PROVIDER_PROTOCOL_VERSION)) {
    throw new HandshakeError(
      `Terraform offers plugin protocol versions ${offered.join(', ')}; this provider speaks version ${PROVIDER_PROTOCOL_VERSION} (Terraform 1.0 or later).`,
    );
  }
}

/**
 * go-plugin's own messages are an Empty and a health status: written by hand, so that the
 * handshake needs no protobuf code (grpc.health.v1.HealthCheckResponse{status: SERVING} is
 * field 1, varint 1).
 */
const empty = { encode: () => ({ finish: () => new Uint8Array(0) }), decode: () => ({}) };
const serving = { encode: () => ({ finish: () => new Uint8Array([0x08, 0x01]) }), decode: () => ({}) };

export interface ServeOptions {
  env: NodeJS.ProcessEnv;
  /** The provider's own methods, by gRPC path. */
  methods: ReadonlyMap<string, Method>;
  /** Called when Terraform asks the plugin to stop (GRPCController.Shutdown). */
  onShutdown(): void;
  /** Where the handshake line goes (stdout). */
  writeHandshake(line: string): void;
}

export async function serve(options: ServeOptions): Promise<http2.Http2Server | http2.Http2SecureServer> {
  checkLaunchedByTerraform(options.env);
  const clientCert = options.env.PLUGIN_CLIENT_CERT;
  const methods = new Map<string, Method>([
    [
      '/plugin.GRPCController/Shutdown',
      {
        kind: 'unary',
        codecs: () => ({ request: empty, response: empty }),
        handle: () => {
          // Answer first: Terraform waits for the reply, then for the process to exit.
          setImmediate(options.onShutdown);
          return {};
        },
      },
    ],
    // Terraform subscribes to the plugin's stdio; the provider writes nothing there, so the stream
    // stays open and silent until shutdown.
    ['/plugin.GRPCStdio/StreamStdio', { kind: 'silent-stream' }],
    ['/grpc.health.v1.Health/Check', { kind: 'unary', codecs: () => ({ request: empty, response: serving }), handle: () => ({}) }],
    ...options.methods,
  ]);

  // AutoMTLS: Terraform passes its client certificate and trusts only ours; without one (an old
  // or custom client) the connection is plain HTTP/2, as go-plugin does.
  const cert = clientCert ? selfSignedCertificate() : undefined;
  // The port is taken with node:net, and node:http2 and the TLS context (a third of the start)
  // are loaded right after the handshake line: Terraform reads it and dials while they load, and
  // no connection is handled before they are ready (this is all one task).
  const listener = net.createServer();
  const port = await new Promise<number>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(0, '127.0.0.1', () => resolve((listener.address() as net.AddressInfo).port));
  });
  options.writeHandshake(`${CORE_PROTOCOL_VERSION}|${PROVIDER_PROTOCOL_VERSION}|tcp|127.0.0.1:${port}|grpc|${cert?.derBase64 ?? ''}\n`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createSecureServer, createServer } = require('node:http2') as typeof http2;
  const server = cert ? createSecureServer({ key: cert.keyPem, cert: cert.certPem, ca: clientCert, requestCert: true, rejectUnauthorized: true }) : createServer();
  serveGrpc(server, methods);
  listener.on('connection', (socket) => server.emit('connection', socket));
  return server;
}
