// `npm run toolchain`: builds what is missing (idempotent; fast when nothing changed) and prints the
// PATH entries to use, last, as `export PATH=...`.
import { buildSeconds, ensureToolchain, pathEntries } from '.';
import { PATH_TOOLS, type ToolName } from './tools';

try {
  const located = ensureToolchain(undefined, (line) => process.stderr.write(`toolchain: ${line}\n`));
  for (const tool of located) {
    const built = tool.from === 'cache' ? buildSeconds(tool.name) : undefined;
    process.stderr.write(`toolchain: ${tool.name} ${tool.version} ${tool.path}${built === undefined ? ' (yours, from PATH)' : ` (built in ${built.toFixed(0)} s)`}\n`);
  }
  const onPath = located.filter((tool) => (PATH_TOOLS as readonly ToolName[]).includes(tool.name));
  process.stdout.write(`export PATH="${pathEntries(onPath).join(':')}:$PATH"\n`);
} catch (err) {
  process.stderr.write(`toolchain: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
