#!/usr/bin/env node
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { wardenPackage } from '../../server/version';

/**
 * `warden-terraform install [--dir DIR]`: lays the provider out as a Terraform filesystem mirror
 * and writes a CLI configuration that uses it, so `terraform init` (or `tofu init`) works without
 * a registry. The last line printed is `TF_CLI_CONFIG_FILE=<path>`.
 */

/**
 * `source = "warden/warden"` names a different registry host on each engine: Terraform's
 * registry.terraform.io and OpenTofu's registry.opentofu.org. The mirror holds the provider
 * under both, so one configuration works on either.
 */
export const SOURCES = ['registry.terraform.io/warden/warden', 'registry.opentofu.org/warden/warden'];

/** Terraform's platform names for the running machine, e.g. linux_amd64. */
export function platform(): string {
  const arch = ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' } as Record<string, string>)[process.arch] ?? process.arch;
  return `${process.platform === 'win32' ? 'windows' : process.platform}_${arch}`;
}

export interface Installed {
  version: string;
  /** The filesystem mirror's root. */
  mirror: string;
  /** The CLI configuration to point TF_CLI_CONFIG_FILE at. */
  cliConfig: string;
}

export function install(dir: string): Installed {
  const { root, version } = wardenPackage(__dirname);
  const built = join(root, 'dist', 'terraform-provider');
  if (!existsSync(join(built, 'terraform-provider-warden'))) throw new Error(`the provider is not built (${built} is missing): run \`npm run build\``);
  const mirror = join(dir, 'mirror');
  for (const source of SOURCES) {
    const target = join(mirror, source, version, platform());
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    for (const file of readdirSync(built)) {
      const name = file === 'terraform-provider-warden' ? `terraform-provider-warden_v${version}` : file;
      copyFileSync(join(built, file), join(target, name));
    }
  }
  const sources = SOURCES.map((source) => JSON.stringify(source)).join(', ');
  const cliConfig = join(dir, 'terraform.rc');
  writeFileSync(
    cliConfig,
    `# Written by warden-terraform install: Warden's provider from the local mirror, every other provider as usual.
provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = [${sources}]
  }
  direct {
    exclude = [${sources}]
  }
}
`,
  );
  return { version, mirror, cliConfig };
}

function main(): void {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || positionals[0] !== 'install') {
    process.stdout.write(
      'Usage: warden-terraform install [--dir DIR]\n\nLays out terraform-provider-warden as a filesystem mirror in DIR (default ~/.warden/terraform)\nand prints TF_CLI_CONFIG_FILE=<path> for `terraform init` or `tofu init` to find it offline.\n',
    );
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const dir = resolve(values.dir ?? join(homedir(), '.warden', 'terraform'));
  const { version, mirror, cliConfig } = install(dir);
  process.stdout.write(`Installed terraform-provider-warden ${version} (${platform()}) into ${mirror}\n`);
  process.stdout.write(`Use it with source = "warden/warden" and: export TF_CLI_CONFIG_FILE=${cliConfig}\n`);
  process.stdout.write(`TF_CLI_CONFIG_FILE=${cliConfig}\n`);
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`warden-terraform: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
