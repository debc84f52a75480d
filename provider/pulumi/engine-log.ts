import { createRequire } from 'node:module';
import type * as grpcTypes from '@grpc/grpc-js';
import * as log from '@pulumi/pulumi/log';
import { EngineClient } from '@pulumi/pulumi/proto/engine_grpc_pb';
import { LogRequest, LogSeverity } from '@pulumi/pulumi/proto/engine_pb';

/**
 * Warnings and notes from the dynamic-provider host, delivered to the engine as warnings and infos.
 *
 * The engine starts every provider plugin with the address of its Engine service as the first
 * argument (`pulumi-resource-pulumi-nodejs <engine address>`), for plugins to log through. The
 * SDK's dynamic-provider host never connects to it, so `pulumi.log.warn` there falls back to
 * stderr, which the engine shows as a plain message of the stack ("warning: [runtime] ...",
 * counted as a message, not a warning). Here the warning goes to the engine's Log service; with
 * no engine (the host started by hand, as some tests do) or when the call fails, it goes to
 * stderr as before.
 */
export class EngineLog {
  private readonly grpc: typeof grpcTypes | undefined;
  private client: EngineClient | undefined;
  private readonly pending = new Set<Promise<void>>();

  constructor(address: string | undefined) {
    if (!address || !/^[\w.-]+:\d+$/.test(address)) return;
    // The grpc-js copy that the SDK's stubs were made with: channel credentials are checked with instanceof.
    this.grpc = createRequire(require.resolve('@pulumi/pulumi'))('@grpc/grpc-js') as typeof grpcTypes;
    this.client = new EngineClient(address, this.grpc.credentials.createInsecure());
  }

  warn(message: string): void {
    this.log(LogSeverity.WARNING, message, () => log.warn(message));
  }

  /** Something the user should see in the preview that is not a warning: why a secret rotates, say. */
  info(message: string): void {
    this.log(LogSeverity.INFO, message, () => log.info(message));
  }

  /** Resolves when every message so far is delivered, so that none is lost when the engine stops the host. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private log(severity: LogSeverity, message: string, fallback: () => Promise<void>): void {
    const sent = this.send(severity, message).catch(() => {
      this.client?.close();
      this.client = undefined;
      return fallback();
    });
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }

  private send(severity: LogSeverity, message: string): Promise<void> {
    const { client, grpc } = this;
    if (!client || !grpc) return Promise.reject(new Error('no engine'));
    const request = new LogRequest().setSeverity(severity).setMessage(message);
    return new Promise((resolve, reject) => {
      client.log(request, new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err) => (err ? reject(err) : resolve()));
    });
  }
}
