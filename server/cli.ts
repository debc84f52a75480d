#!/usr/bin/env node
import { generateSecret } from './domain/secrets';
import { EXPORT_USAGE, UsageError, runExport } from './export-command';
import { main } from './main';

const USAGE = `Usage:
  warden-server             serve (configuration from the environment; see docs/server.md)
  warden-server new-token   print a fresh secret in the token format (e.g. for WARDEN_BOOTSTRAP_TOKEN)
  warden-server export      write a live server's accounts, bindings and tokens as code (docs/export.md)

${EXPORT_USAGE}`;

async function run(args: string[]): Promise<void> {
  const [command] = args;
  if (command === 'new-token') {
    process.stdout.write(`${generateSecret()}\n`);
    return;
  }
  if (command === 'export') {
    try {
      await runExport(args.slice(1));
    } catch (err) {
      // Bad flags and scopes name the flag; they are the user's to fix, so no stack trace.
      if (!(err instanceof UsageError) && (err as { code?: string }).code !== 'WARDEN_EXPORT_ERR_SCOPE') throw err;
      process.stderr.write(`warden-server export: ${(err as Error).message}\n${err instanceof UsageError ? EXPORT_USAGE : ''}`);
      process.exitCode = 2;
    }
    return;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (command !== undefined && command !== 'serve') {
    process.stderr.write(`Unknown command "${command}".\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  await main();
}

run(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`warden-server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
