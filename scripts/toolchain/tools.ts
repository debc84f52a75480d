// The engines the tests and the demo run, pinned here and nowhere else.

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

/** A tool the user normally has; found on PATH, never built. */
export interface SystemTool {
  kind: 'system';
  binary: string;
  /** Oldest version the suites need (write-only attributes, ephemeral resources). */
  minimum: string;
  /** What to tell someone who lacks it. */
  howToGet: string;
}

export const PULUMI_VERSION = '3.276.0';
export const OPENTOFU_VERSION = '1.12.6';

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
  // Terraform's go.mod replaces nested modules with local paths, so the module proxy cannot build it.
  terraform: {
    kind: 'system',
    binary: 'terraform',
    minimum: '1.11.0',
    howToGet: 'install Terraform 1.11 or newer (https://developer.hashicorp.com/terraform/install) so that `terraform` is on PATH',
  },
} as const satisfies Record<string, GoTool | SystemTool>;

export type ToolName = keyof typeof TOOLS;
