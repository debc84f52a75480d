import * as grpc from '@grpc/grpc-js';
import { ResourceProviderClient } from '@pulumi/pulumi/proto/provider_grpc_pb';
import * as pb from '@pulumi/pulumi/proto/provider_pb';
import { Struct } from 'google-protobuf/google/protobuf/struct_pb';

type Props = Record<string, unknown>;
const struct = (value: Props) => Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);
const js = (value: Struct | undefined) => (value?.toJavaScript() ?? {}) as Props;

/** Pulumi's marker for a secret on the wire, and for an unknown value. */
export const secret = (value: string) => ({ '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', value });
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** The engine's side of the ResourceProvider protocol, with the SDK's own generated stubs. */
export class EngineSide {
  private readonly client: ResourceProviderClient;
  constructor(port: number) {
    this.client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  private call<Res>(method: string, req: unknown): Promise<Res> {
    const fn = (this.client as unknown as Record<string, (req: unknown, cb: (err: grpc.ServiceError | null, res: Res) => void) => void>)[method]!;
    return new Promise((resolve, reject) => fn.call(this.client, req, (err, res) => (err ? reject(err) : resolve(res))));
  }

  async configure(args: Props): Promise<void> {
    await this.call<unknown>('configure', new pb.ConfigureRequest().setArgs(struct(args)));
  }

  async check(urn: string, olds: Props, news: Props) {
    const res = await this.call<pb.CheckResponse>('check', new pb.CheckRequest().setUrn(urn).setOlds(struct(olds)).setNews(struct(news)));
    return { inputs: js(res.getInputs()), failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })) };
  }

  async diff(urn: string, id: string, olds: Props, news: Props) {
    const res = await this.call<pb.DiffResponse>('diff', new pb.DiffRequest().setUrn(urn).setId(id).setOlds(struct(olds)).setNews(struct(news)));
    const names: Record<number, string> = {
      [pb.DiffResponse.DiffChanges.DIFF_NONE]: 'none',
      [pb.DiffResponse.DiffChanges.DIFF_SOME]: 'some',
      [pb.DiffResponse.DiffChanges.DIFF_UNKNOWN]: 'unknown',
    };
    const changes = names[res.getChanges()];
    return { changes, replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace() };
  }

  async create(urn: string, properties: Props) {
    const res = await this.call<pb.CreateResponse>('create', new pb.CreateRequest().setUrn(urn).setProperties(struct(properties)));
    return { id: res.getId(), properties: js(res.getProperties()) };
  }

  async read(urn: string, id: string, properties: Props) {
    const res = await this.call<pb.ReadResponse>('read', new pb.ReadRequest().setUrn(urn).setId(id).setProperties(struct(properties)));
    return { id: res.getId(), properties: js(res.getProperties()) };
  }

  async update(urn: string, id: string, olds: Props, news: Props) {
    const res = await this.call<pb.UpdateResponse>('update', new pb.UpdateRequest().setUrn(urn).setId(id).setOlds(struct(olds)).setNews(struct(news)));
    return { properties: js(res.getProperties()) };
  }

  async delete(urn: string, id: string, properties: Props): Promise<void> {
    await this.call<unknown>('delete', new pb.DeleteRequest().setUrn(urn).setId(id).setProperties(struct(properties)));
  }

  close(): void {
    this.client.close();
  }
}
