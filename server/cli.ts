#!/usr/bin/env node
import { generateSecret } from './domain/secrets';
import { main } from './main';

const USAGE = `Usage:
  warden-server             serve (configuration from the environment; see docs/server.md)
  warden-server new-token   print a fresh secret in the token format (e.g. for WARDEN_BOOTSTRAP_TOKEN)
`;

async function run(args: string[]): Promise<void> {
  const [command] = args;
  if (command === 'new-token') {
    process.stdout.write(`${generateSecret()}\n`);
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
