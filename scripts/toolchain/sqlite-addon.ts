// better-sqlite3's native addon built for another Node.js than the one `npm ci` built it for, from
// the checkout's own copy of the package, against that Node's headers (shipped in its npm package).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { cacheRoot } from '.';

/** npm's own node-gyp: what `npm ci` used for the checkout's build. */
function nodeGyp(): string {
  const globalRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  const path = join(globalRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(path)) throw new Error(`npm's node-gyp is not at ${path}`);
  return path;
}

/** The path of better_sqlite3.node for the Node.js at `node` (a binary inside its npm package). */
export function sqliteAddonFor(node: string, nodeVersion: string, log: (line: string) => void): string {
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { version: string };
  const dir = join(cacheRoot(), `better-sqlite3-${version}-node-${nodeVersion}`);
  const addon = join(dir, 'better_sqlite3.node');
  if (existsSync(addon)) return addon;
  const started = Date.now();
  log(`building better-sqlite3 ${version} for Node.js ${nodeVersion} into ${dir} ...`);
  // This process's own build directory: two runs at once never share files.
  const work = join(dir, `src-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    cpSync(source, work, { recursive: true, filter: (path) => !path.startsWith(join(source, 'build')) });
    const headers = dirname(dirname(node));
    execFileSync(node, [nodeGyp(), 'rebuild', '--release', `--nodedir=${headers}`], {
      cwd: work,
      stdio: ['ignore', 'ignore', 'inherit'],
      // npm passes its own nodedir to scripts (npm_config_nodedir), which node-gyp prefers to the flag.
      env: { ...process.env, npm_config_nodedir: headers, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` },
    });
    // Renamed into place last: an interrupted build leaves no addon behind.
    copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), `${addon}.${process.pid}.partial`);
    renameSync(`${addon}.${process.pid}.partial`, addon);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  log(`built better-sqlite3 for Node.js ${nodeVersion} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return addon;
}
