#!/usr/bin/env node
// warden-ci-secrets: token outputs -> a CI secret store, a 0600 dotenv file or a Kubernetes Secret manifest.
// It never writes a secret to stdout or stderr; inside GitHub Actions it prints `::add-mask::` lines,
// which the runner consumes so that later steps' logs show *** instead of the secret.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CiSecretsError, OUTPUT_FORMATS, type OutputFormat, parseOutputs, parseSelection, select } from './outputs';
import { publishToGitHub, publishToGitLab } from './publish';
import { dotenv, kubernetesSecret } from './render';
import { writePrivate } from './write-private';

const USAGE = `Usage: warden-ci-secrets --output NAME[=KEY]... --to TARGET [options]
  --input FILE          terraform output -json, cdktf --outputs-file JSON or pulumi stack output
                        --json --show-secrets ("-" or absent: stdin)
  --from FORMAT         terraform, cdktf or pulumi (default: told from the document's shape)
  --stack NAME          stack to read from a cdktf outputs file with several stacks
  --output NAME[=KEY]   output to export, as KEY (default: NAME in upper case); repeatable;
                        NAME.K picks key K of a map output
  --to dotenv|k8s       write --out FILE with mode 0600 (default dotenv)
       --k8s-name NAME  Secret name (default warden-ci-tokens); --k8s-namespace NS
  --to gh               gh secret set KEY, the value on stdin; --gh-repo OWNER/NAME, --gh-env ENV
  --to gitlab           masked project variables through the GitLab API; token from GITLAB_TOKEN,
                        --gitlab-url (default $CI_API_V4_URL), --gitlab-project (default $CI_PROJECT_ID),
                        --gitlab-protected
`;

const TARGETS = ['dotenv', 'k8s', 'gh', 'gitlab'] as const;

export async function run(argv: string[], env: NodeJS.ProcessEnv, stdout: (s: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string' },
      stack: { type: 'string' },
      from: { type: 'string' },
      output: { type: 'string', multiple: true },
      to: { type: 'string', default: 'dotenv' },
      out: { type: 'string' },
      'k8s-name': { type: 'string', default: 'warden-ci-tokens' },
      'k8s-namespace': { type: 'string' },
      'gh-repo': { type: 'string' },
      'gh-env': { type: 'string' },
      'gitlab-url': { type: 'string' },
      'gitlab-project': { type: 'string' },
      'gitlab-protected': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return stdout(USAGE);
  const to = values.to as (typeof TARGETS)[number];
  if (!TARGETS.includes(to)) throw new CiSecretsError('WCS_BAD_TARGET', `--to "${values.to}": use one of ${TARGETS.join(', ')}`);
  const toFile = to === 'dotenv' || to === 'k8s';
  if (toFile && !values.out) throw new CiSecretsError('WCS_NO_OUT', `--to ${to} needs --out FILE: secrets are written to a 0600 file, never to stdout`);
  const gitlab = to === 'gitlab' ? gitlabTarget(values, env) : undefined;

  const from = values.from as OutputFormat | undefined;
  if (from !== undefined && !OUTPUT_FORMATS.includes(from)) throw new CiSecretsError('WCS_BAD_FORMAT', `--from "${values.from}": use one of ${OUTPUT_FORMATS.join(', ')}`);
  const text = readFileSync(values.input && values.input !== '-' ? values.input : 0, 'utf8');
  const secrets = select(parseOutputs(text, values.stack, from), (values.output ?? []).map(parseSelection));
  if (env.GITHUB_ACTIONS === 'true') for (const { value } of secrets) stdout(`::add-mask::${value}\n`);

  if (toFile) {
    writePrivate(values.out!, to === 'k8s' ? kubernetesSecret(secrets, values['k8s-name'], values['k8s-namespace']) : dotenv(secrets));
    stdout(`wrote ${secrets.map((s) => s.key).join(', ')} to ${values.out} (mode 0600, ${to})\n`);
  } else if (to === 'gh') {
    publishToGitHub(secrets, { repo: values['gh-repo'], environment: values['gh-env'] }, stdout);
  } else {
    await publishToGitLab(secrets, gitlab!, stdout);
  }
}

function gitlabTarget(values: { 'gitlab-url'?: string; 'gitlab-project'?: string; 'gitlab-protected'?: boolean }, env: NodeJS.ProcessEnv) {
  const apiUrl = values['gitlab-url'] ?? env.CI_API_V4_URL;
  const project = values['gitlab-project'] ?? env.CI_PROJECT_ID;
  const token = env.GITLAB_TOKEN;
  if (!apiUrl) throw new CiSecretsError('WCS_GITLAB_URL', '--to gitlab needs --gitlab-url (or CI_API_V4_URL), e.g. https://gitlab.com/api/v4');
  if (!project) throw new CiSecretsError('WCS_GITLAB_PROJECT', '--to gitlab needs --gitlab-project (or CI_PROJECT_ID)');
  // Never a flag: argv is visible to other users of the machine.
  if (!token) throw new CiSecretsError('WCS_GITLAB_TOKEN', '--to gitlab needs GITLAB_TOKEN in the environment (a token with the api scope)');
  return { apiUrl, project, token, protect: values['gitlab-protected'] };
}

if (require.main === module) {
  run(process.argv.slice(2), process.env, (s) => process.stdout.write(s)).catch((err: unknown) => {
    // Only our own messages (which never hold values) are shown; anything else by its code alone.
    const message = err instanceof CiSecretsError ? `${err.code}: ${err.message}` : `failed (${(err as { code?: string }).code ?? 'unexpected error'})`;
    process.stderr.write(`warden-ci-secrets: ${message}\n`);
    process.exitCode = 1;
  });
}
