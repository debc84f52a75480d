// `warden-server export`: reads a live server through the API (any token with read permissions)
// and writes the estate as code. It lives in warden-server, the package's one general CLI, and
// needs no store: only WARDEN_ENDPOINT and WARDEN_TOKEN.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WardenClient } from '../api-client';
import { type ExportFormat, type ExportScope, FORMATS, readEstate, renderFiles, renderText } from '../provider/export';
import { clientReader } from '../provider/export/client-reader';

export const EXPORT_USAGE = `Usage: warden-server export [--format hcl|pulumi|cdktf|cdktn] [--project <id or name>] [--name <pattern>] [--out <dir>]
  Reads the server at WARDEN_ENDPOINT with WARDEN_TOKEN (read permissions suffice) and writes the
  service accounts, their role bindings and tokens as code, with import blocks (HCL, CDKTF/cdktn)
  or adopt: true (Pulumi). Token secrets are never exported.
  --format   what to write (default hcl)
  --project  only the accounts of this project (default: the whole organization)
  --name     only accounts whose name matches; "*" matches any run of characters
  --out      directory to write the files into (default: print them to stdout)
`;

/** Bad usage: the message names the flag; the CLI exits 2. */
export class UsageError extends Error {}

export interface ExportArgs {
  format: ExportFormat;
  scope: ExportScope;
  out?: string;
}

export function parseExportArgs(args: string[]): ExportArgs | 'help' {
  const parsed: ExportArgs = { format: 'hcl', scope: {} };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag === '--help' || flag === '-h') return 'help';
    const [name, inline] = flag.startsWith('--') && flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    if (!['--format', '--project', '--name', '--out'].includes(name)) throw new UsageError(`unknown option "${flag}"`);
    const value = inline ?? args[++i];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${name} needs a value`);
    if (name === '--format') {
      if (!(FORMATS as readonly string[]).includes(value)) throw new UsageError(`--format "${value}" is not one of ${FORMATS.join(', ')}`);
      parsed.format = value as ExportFormat;
    } else if (name === '--project') parsed.scope.project = value;
    else if (name === '--name') parsed.scope.name = value;
    else parsed.out = value;
  }
  return parsed;
}

export async function runExport(argv: string[], env: NodeJS.ProcessEnv = process.env, io = { stdout: process.stdout, stderr: process.stderr }): Promise<void> {
  const args = parseExportArgs(argv);
  if (args === 'help') {
    io.stdout.write(EXPORT_USAGE);
    return;
  }
  const endpoint = env.WARDEN_ENDPOINT;
  const token = env.WARDEN_TOKEN;
  if (!endpoint) throw new UsageError("WARDEN_ENDPOINT is not set: give the server's URL, e.g. http://127.0.0.1:8080");
  if (!token) throw new UsageError('WARDEN_TOKEN is not set: give an API token with read permissions');
  const client = new WardenClient({ endpoint, token, userAgent: 'warden-server-export' });
  try {
    const model = await readEstate(clientReader(client), args.scope);
    const files = renderFiles(model, args.format);
    for (const u of model.unsupported) io.stderr.write(`not exported: ${u.kind} ${u.name} (${u.id}): ${u.reason}\n`);
    if (args.out) {
      for (const [path, text] of Object.entries(files)) {
        const target = join(args.out, path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, text);
        io.stderr.write(`wrote ${target}\n`);
      }
    } else {
      io.stdout.write(renderText(model, args.format));
    }
    io.stderr.write(
      `exported ${model.accounts.length} service account(s), ${model.bindings.length} role binding(s), ${model.tokens.length} token(s), ${model.credentials.length} federated credential(s); ${model.unsupported.length} object(s) not exported\n`,
    );
  } finally {
    await client.close();
  }
}
