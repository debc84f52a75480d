import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packedProject } from '../support/packed';
import { ROOT } from '../support/server';

const run = promisify(execFile);

/**
 * A Pulumi program's directory with warden-iac installed from `npm pack`, as a user gets it.
 * Dependencies are links to this repository's node_modules: no registry, no `npm install`.
 */
export interface Consumer {
  dir: string;
  /** Each provider serialized by the SDK's own serializer, exactly as `pulumi.dynamic.Resource` does. */
  serialize(env: Record<string, string>): Promise<Record<string, string>>;
  remove(): void;
}

/**
 * The Pulumi SDK the consumer gets: the checkout's, or WARDEN_PULUMI_SDK, a directory of another
 * release (the runtime matrix sets it to the newest, installed by the toolchain).
 */
export function pulumiSdk(): string {
  return process.env.WARDEN_PULUMI_SDK ?? join(ROOT, 'node_modules', '@pulumi', 'pulumi');
}

export async function packedConsumer(): Promise<Consumer> {
  const dir = await packedProject('warden-pulumi-', ['@pulumi/pulumi'], { '@pulumi/pulumi': pulumiSdk() });
  writeFileSync(
    join(dir, 'serialize.js'),
    `const pulumi = require('@pulumi/pulumi');
const providers = require('warden-iac/pulumi/providers');
(async () => {
  const out = {};
  for (const [name, provider] of Object.entries(providers)) {
    out[name] = (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
  }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { console.error(err); process.exit(1); });
`,
  );
  return {
    dir,
    serialize: async (env) => JSON.parse((await run(process.execPath, ['serialize.js'], { cwd: dir, env: { ...process.env, ...env } })).stdout) as Record<string, string>,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Pulumi's dynamic-provider host, started as the engine starts it: in the program's directory, with the engine's address. */
export async function startHost(dir: string, env: NodeJS.ProcessEnv): Promise<{ port: number; stderr(): string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [join('node_modules', '@pulumi', 'pulumi', 'cmd', 'dynamic-provider', 'index.js'), '127.0.0.1:1'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      // The engine reads the port from the host's first line of stdout.
      if (out.includes('\n')) resolve(Number(out.split('\n')[0]));
    });
    child.once('exit', (code) => reject(new Error(`dynamic-provider host exited with ${String(code)}: ${err}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port,
    stderr: () => err,
    stop: () => {
      child.kill();
      return exited;
    },
  };
}
