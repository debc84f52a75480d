import * as http2 from 'node:http2';

/**
 * The part of gRPC that go-plugin's client uses, served by Node's own HTTP/2: unary calls and a
 * server stream that stays silent, messages framed as gRPC frames them (a flag byte, a 4-byte
 * length), the status in trailers. Loading `@grpc/grpc-js` was most of the provider's start-up
 * (Terraform starts several provider processes per command); this needs only `node:http2`.
 */

/** How a method's messages become bytes and back (protobufjs static types fit). */
export interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

export interface UnaryMethod {
  kind: 'unary';
  /** Found on the first call: the codecs may live in a module loaded only then. */
  codecs(): { request: Codec<unknown>; response: Codec<unknown> };
  handle(request: unknown): unknown;
}

/** A server stream that sends nothing until the connection closes (go-plugin's stdio stream). */
export interface SilentStream {
  kind: 'silent-stream';
}

export type Method = UnaryMethod | SilentStream;

// https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
const UNIMPLEMENTED = 12;
const INTERNAL = 13;

const responseHeaders = { ':status': 200, 'content-type': 'application/grpc' };

function frame(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

/** The one message of a unary request body; compressed messages are refused (we announce none). */
function unframe(body: Buffer): Uint8Array {
  if (body.length < 5) throw new Error('a gRPC request needs one length-prefixed message');
  if (body[0] !== 0) throw new Error('compressed gRPC messages are not accepted');
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length) throw new Error('a gRPC request carries exactly one message');
  return body.subarray(5);
}

/** A status in "trailers only" form: the answer has no message. */
function fail(stream: http2.ServerHttp2Stream, code: number, message: string): void {
  if (stream.destroyed || stream.closed) return;
  stream.respond({ ...responseHeaders, 'grpc-status': String(code), 'grpc-message': encodeURIComponent(message) }, { endStream: true });
}

function reply(stream: http2.ServerHttp2Stream, message: Uint8Array): void {
  if (stream.destroyed || stream.closed) return;
  stream.respond(responseHeaders, { waitForTrailers: true });
  stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  stream.end(frame(message));
}

function unary(stream: http2.ServerHttp2Stream, method: UnaryMethod): void {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.once('end', () => {
    Promise.resolve()
      .then(async () => {
        const { request, response } = method.codecs();
        const answer = await method.handle(request.decode(unframe(Buffer.concat(chunks))));
        reply(stream, response.encode(answer).finish());
      })
      .catch((err: unknown) => fail(stream, INTERNAL, err instanceof Error ? err.message : String(err)));
  });
}

/** Answers gRPC requests on `server` from `methods`, keyed by path (`/package.Service/Method`). */
export function serveGrpc(server: http2.Http2Server | http2.Http2SecureServer, methods: ReadonlyMap<string, Method>): void {
  server.on('stream', (stream, headers) => {
    // A reset by the client (a cancelled call) must not take the process down.
    stream.on('error', () => undefined);
    const method = methods.get(String(headers[':path']));
    if (!method) {
      stream.resume();
      fail(stream, UNIMPLEMENTED, `unknown method ${String(headers[':path'])}`);
    } else if (method.kind === 'silent-stream') {
      stream.resume();
      stream.respond(responseHeaders);
    } else {
      unary(stream, method);
    }
  });
  // A client that goes away mid-handshake is its own problem, not the provider's.
  server.on('sessionError', () => undefined);
}
