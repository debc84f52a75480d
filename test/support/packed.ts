import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './server';

const run = promisify(execFile);

/**
 * A temp project with warden-iac installed from `npm pack`, as a user gets it (dist rebuilt by tsc
 * first). Its dependencies and `peers` are links to this repository's node_modules (no registry,
 * no `npm install`); `peerSources` points a peer at another directory.
 */
export async function packedProject(prefix: string, peers: string[], peerSources: Record<string, string> = {}): Promise<string> {
  await run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: ROOT });
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
  const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('['))) as [{ filename: string }];
  const pkg = join(dir, 'node_modules', 'warden-iac');
  mkdirSync(pkg, { recursive: true });
  await run('tar', ['-xzf', join(dir, filename), '-C', pkg, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of [...Object.keys(manifest.dependencies), ...peers]) {
    mkdirSync(dirname(join(dir, 'node_modules', dep)), { recursive: true });
    symlinkSync(peerSources[dep] ?? join(ROOT, 'node_modules', dep), join(dir, 'node_modules', dep));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  return dir;
}
