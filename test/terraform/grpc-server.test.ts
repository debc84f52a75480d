import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { type Method, serveGrpc } from '../../provider/terraform/protocol/grpc-server';
import { tfplugin6 as tf } from '../../provider/terraform/protocol/generated/protocol';

// The provider's gRPC server speaks to go-plugin's client (grpc-go) in the end-to-end suites; here
// its framing and statuses are checked against the gRPC wire format directly.

function framed(message: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

interface Answer {
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  body: Buffer;
}

describe('the gRPC server on node:http2', () => {
  const methods = new Map<string, Method>([
    [
      '/tfplugin6.Provider/GetMetadata',
      { kind: 'unary', codecs: () => ({ request: tf.GetMetadata.Request, response: tf.GetMetadata.Response }), handle: () => ({ resources: [{ typeName: 'warden_token' }] }) },
    ],
    [
      '/test.Failing/Call',
      { kind: 'unary', codecs: () => ({ request: tf.GetMetadata.Request, response: tf.GetMetadata.Response }), handle: () => Promise.reject(new Error('broken: 100% sure')) },
    ],
    ['/plugin.GRPCStdio/StreamStdio', { kind: 'silent-stream' }],
  ]);
  let server: http2.Http2Server;
  let session: http2.ClientHttp2Session;

  beforeAll(async () => {
    server = http2.createServer();
    serveGrpc(server, methods);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    session = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    session.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  function call(path: string, body: Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
      const chunks: Buffer[] = [];
      let headers: http2.IncomingHttpHeaders = {};
      let trailers: http2.IncomingHttpHeaders = {};
      stream.on('response', (h) => (headers = h));
      stream.on('trailers', (t) => (trailers = t));
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => resolve({ headers, trailers, body: Buffer.concat(chunks) }));
      stream.end(body);
    });
  }

  test('a unary call is answered with one framed message and status 0 in the trailers', async () => {
    const answer = await call('/tfplugin6.Provider/GetMetadata', framed(tf.GetMetadata.Request.encode({}).finish()));
    expect(answer.headers['content-type']).toBe('application/grpc');
    expect(answer.trailers['grpc-status']).toBe('0');
    expect(answer.body[0]).toBe(0);
    expect(answer.body.readUInt32BE(1)).toBe(answer.body.length - 5);
    expect(tf.GetMetadata.Response.decode(answer.body.subarray(5)).resources.map((r) => r.typeName)).toEqual(['warden_token']);
  });

  test('an unknown method is UNIMPLEMENTED (12), as grpc-go expects of a method a plugin lacks', async () => {
    const answer = await call('/plugin.GRPCBroker/StartStream', framed(new Uint8Array(0)));
    expect(answer.headers['grpc-status']).toBe('12');
    expect(answer.body.length).toBe(0);
  });

  test('a handler that fails is INTERNAL (13) with its message, percent-encoded', async () => {
    const answer = await call('/test.Failing/Call', framed(new Uint8Array(0)));
    expect(answer.headers['grpc-status']).toBe('13');
    expect(decodeURIComponent(String(answer.headers['grpc-message']))).toBe('broken: 100% sure');
  });

  test.each([
    ['a compressed message', Buffer.from([1, 0, 0, 0, 0])],
    ['a truncated frame', Buffer.from([0, 0, 0, 0, 9, 1])],
    ['no frame at all', Buffer.alloc(0)],
  ])('%s is refused with INTERNAL, not a crash', async (_label, body) => {
    const answer = await call('/tfplugin6.Provider/GetMetadata', body);
    expect(answer.headers['grpc-status']).toBe('13');
  });

  test('the stdio stream is answered and stays open, silent', async () => {
    const stream = session.request({ ':method': 'POST', ':path': '/plugin.GRPCStdio/StreamStdio', 'content-type': 'application/grpc', te: 'trailers' });
    stream.end(framed(new Uint8Array(0)));
    const headers = await new Promise<http2.IncomingHttpHeaders>((resolve) => stream.once('response', resolve));
    expect(headers[':status']).toBe(200);
    let data = 0;
    stream.on('data', () => data++);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stream.closed).toBe(false);
    expect(data).toBe(0);
    stream.close();
  });
});
