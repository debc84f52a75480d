// warden-ci-secrets, run as users run it (a child process): the secret reaches its destination
// and never appears on stdout or stderr.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { runCommand } from '../support/run';

const CLI = resolve(__dirname, '..', '..', 'ci-secrets', 'cli.ts');
// Bundled once, so that each run starts as fast as the installed bin does.
const bundleDir = mkdtempSync(join(tmpdir(), 'warden-ci-secrets-bin-'));
const BIN = join(bundleDir, 'cli.js');
beforeAll(() => buildSync({ entryPoints: [CLI], bundle: true, platform: 'node', target: 'node20', outfile: BIN, logLevel: 'error' }));
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

// Generated at run time: no literal secrets in files.
const secret = () => `wdn_${randomBytes(24).toString('base64url')}`;
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'warden-ci-secrets-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], input: string, env: NodeJS.ProcessEnv = {}): Promise<{ status: number; out: string; err: string }> {
  const { code, stdout, stderr } = await runCommand(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, input });
  return { status: code, out: stdout, err: stderr };
}

const terraformJson = (values: Record<string, string>) =>
  JSON.stringify(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { sensitive: true, type: 'string', value: v }])));

describe('warden-ci-secrets to files', () => {
  test('writes terraform output -json as a 0600 dotenv file and prints no secret', async () => {
    const a = secret();
    const b = secret();
    const out = join(dir, 'ci.env');
    const r = await cli(
      ['--output', 'payments_deployer_token=WARDEN_TOKEN', '--output', 'search_deployer_token', '--out', out],
      terraformJson({ payments_deployer_token: a, search_deployer_token: b }),
    );
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`WARDEN_TOKEN='${a}'\nSEARCH_DEPLOYER_TOKEN='${b}'\n`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    for (const s of [a, b]) expect(r.out + r.err).not.toContain(s);
    expect(r.out).toContain('wrote WARDEN_TOKEN, SEARCH_DEPLOYER_TOKEN');
  });

  test('the dotenv file is private even when it replaces a world-readable file', async () => {
    const a = secret();
    const out = join(dir, 'ci.env');
    writeFileSync(out, 'OLD=1\n', { mode: 0o644 });
    const r = await cli(['--output', 'tok', '--out', out], terraformJson({ tok: a }));
    expect(r.status).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toBe(`TOK='${a}'\n`);
  });

  test('a shell sourcing the dotenv file gets the exact value', async () => {
    const a = `${secret()}'$(x)"`;
    const out = join(dir, 'ci.env');
    await cli(['--output', 'tok', '--out', out], terraformJson({ tok: a }));
    const shell = await runCommand('sh', ['-c', `. '${out}'; printf %s "$TOK"`]);
    expect(shell.stdout).toBe(a);
  });

  test('reads a cdktf outputs file and writes a Kubernetes Secret manifest', async () => {
    const a = secret();
    const input = join(dir, 'outputs.json');
    writeFileSync(input, JSON.stringify({ warden: { payments_deployer_token: a, payments_deployer_token_hint: 'wdn_ab' } }));
    const out = join(dir, 'secret.yaml');
    const r = await cli(
      [
        '--input',
        input,
        '--stack',
        'warden',
        '--output',
        'payments_deployer_token=WARDEN_TOKEN',
        '--to',
        'k8s',
        '--k8s-name',
        'payments-ci',
        '--k8s-namespace',
        'payments',
        '--out',
        out,
      ],
      '',
    );
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(
      [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: "payments-ci"',
        '  namespace: "payments"',
        'type: Opaque',
        'data:',
        `  WARDEN_TOKEN: ${Buffer.from(a).toString('base64')}`,
        '',
      ].join('\n'),
    );
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(r.out + r.err).not.toContain(a);
  });

  test('reads `pulumi stack output --json --show-secrets`, told from its shape or named by --from', async () => {
    const a = secret();
    const out = join(dir, 'ci.env');
    // A string output among the others makes the flat shape plain; with only object outputs it needs --from.
    const flat = JSON.stringify({ ciToken: a, ciTokenHint: a.slice(0, 8), accounts: [{ team: 'payments' }] });
    for (const args of [[], ['--from', 'pulumi']]) {
      const r = await cli([...args, '--output', 'ciToken=WARDEN_TOKEN', '--out', out], flat);
      expect(r.status).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(`WARDEN_TOKEN='${a}'\n`);
      expect(r.out + r.err).not.toContain(a);
    }
    const objectsOnly = JSON.stringify({ tokens: { payments: a } });
    const r = await cli(['--from', 'pulumi', '--output', 'tokens.payments=WARDEN_TOKEN', '--out', out], objectsOnly);
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`WARDEN_TOKEN='${a}'\n`);
  });

  test('selects entries of a map output by name.key (the HCL example)', async () => {
    const a = secret();
    const out = join(dir, 'ci.env');
    const input = JSON.stringify({ deployer_tokens: { sensitive: true, type: ['map', 'string'], value: { payments: a } } });
    const r = await cli(['--output', 'deployer_tokens.payments=WARDEN_TOKEN', '--out', out], input);
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`WARDEN_TOKEN='${a}'\n`);
    expect(r.out + r.err).not.toContain(a);
  });

  test('inside GitHub Actions, the only lines holding the secret are ::add-mask:: lines', async () => {
    const s = secret();
    const r = await cli(['--output', 'tok', '--out', join(dir, 'x.env')], terraformJson({ tok: s }), { GITHUB_ACTIONS: 'true' });
    expect(r.status).toBe(0);
    expect(r.out.split('\n').filter((l) => l.includes(s))).toEqual([`::add-mask::${s}`]);
    expect(r.err).not.toContain(s);
  });

  test('outside GitHub Actions, nothing is masked because nothing is printed', async () => {
    const s = secret();
    const r = await cli(['--output', 'tok', '--out', join(dir, 'x.env')], terraformJson({ tok: s }));
    expect(r.out).not.toContain('::add-mask::');
    expect(r.out + r.err).not.toContain(s);
  });
});

describe('warden-ci-secrets refuses bad input without printing the secret', () => {
  test.each([
    ['a missing output names it and hints at sensitive outputs', ['--output', 'nope'], 'WCS_MISSING_OUTPUT: output "nope" is not in the input (string outputs present: tok)'],
    ['no --out is refused: secrets never go to stdout', ['--output', 'tok', '--to', 'dotenv'], 'WCS_NO_OUT'],
    ['an unknown target is refused', ['--output', 'tok', '--to', 'yaml'], 'WCS_BAD_TARGET: --to "yaml": use one of dotenv, k8s, gh, gitlab'],
    ['a bad key is refused', ['--output', 'tok=1X'], 'WCS_BAD_KEY'],
    ['an unknown --from is refused', ['--output', 'tok', '--from', 'ansible'], 'WCS_BAD_FORMAT: --from "ansible": use one of terraform, cdktf, pulumi'],
    ['gitlab without a token is refused', ['--output', 'tok', '--to', 'gitlab', '--gitlab-url', 'http://127.0.0.1:1', '--gitlab-project', '7'], 'WCS_GITLAB_TOKEN'],
    ['a stray argument is reported by code only', ['--output', 'tok', 'SECRET'], 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'],
  ])('%s', async (_name, args, message) => {
    const s = secret();
    const out = join(dir, 'x.env');
    const withOut = message === 'WCS_NO_OUT' ? args : [...args, '--out', out];
    const r = await cli(
      withOut.map((a) => (a === 'SECRET' ? s : a)),
      terraformJson({ tok: s }),
    );
    expect(r.status).toBe(1);
    expect(r.err).toContain(message);
    expect(r.out + r.err).not.toContain(s);
    expect(() => statSync(out)).toThrow();
  });

  test('invalid JSON is reported without quoting the input', async () => {
    const s = secret();
    const r = await cli(['--output', 'tok', '--out', join(dir, 'x.env')], `{"tok": {"value": "${s}", oops`);
    expect(r.status).toBe(1);
    expect(r.err).toContain('WCS_BAD_JSON');
    expect(r.out + r.err).not.toContain(s);
  });

  test('a cdktf outputs file with several stacks needs --stack', async () => {
    const s = secret();
    const r = await cli(['--output', 'tok', '--out', join(dir, 'x.env')], JSON.stringify({ a: { tok: s }, b: { tok: s } }));
    expect(r.status).toBe(1);
    expect(r.err).toContain('WCS_AMBIGUOUS_STACK: the outputs file holds several stacks (a, b): choose one with --stack');
    expect(r.out + r.err).not.toContain(s);
  });
});

// No GitHub or GitLab is reachable here: a recording `gh` executable and a loopback HTTP server
// stand in for them, to show what the helper hands over and how.
describe('warden-ci-secrets to CI secret stores', () => {
  test('--to gh runs `gh secret set KEY` with the value on stdin, never in argv', async () => {
    const s = secret();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const gh = join(bin, 'gh');
    writeFileSync(gh, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/argv"\ncat > "${dir}/stdin"\necho "✓ Set Actions secret $3"\n`);
    chmodSync(gh, 0o755);
    const r = await cli(['--output', 'tok=WARDEN_TOKEN', '--to', 'gh', '--gh-repo', 'acme/app', '--gh-env', 'prod'], terraformJson({ tok: s }), {
      PATH: `${bin}:${process.env.PATH}`,
    });
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'argv'), 'utf8').split('\n')).toEqual(['secret', 'set', 'WARDEN_TOKEN', '--repo', 'acme/app', '--env', 'prod', '']);
    expect(readFileSync(join(dir, 'stdin'), 'utf8')).toBe(s);
    expect(r.out).toBe('set GitHub secret WARDEN_TOKEN (environment prod)\n');
    expect(r.out + r.err).not.toContain(s);
  });

  test('--to gh reports a failing gh with the secret redacted from its message', async () => {
    const s = secret();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'gh'), `#!/bin/sh\necho "HTTP 422: invalid value $(cat)" >&2\nexit 1\n`);
    chmodSync(join(bin, 'gh'), 0o755);
    const r = await cli(['--output', 'tok', '--to', 'gh'], terraformJson({ tok: s }), { PATH: `${bin}:${process.env.PATH}` });
    expect(r.status).toBe(1);
    expect(r.err).toContain('WCS_GH: gh secret set TOK failed (exit 1): HTTP 422: invalid value [redacted]');
    expect(r.out + r.err).not.toContain(s);
  });

  describe('--to gitlab', () => {
    let server: Server;
    let url: string;
    let requests: { method: string; path: string; token: string | undefined; body: Record<string, string> }[];
    let existing: Set<string>;
    beforeEach(async () => {
      requests = [];
      existing = new Set(['OLD_TOKEN']);
      server = createServer((req: IncomingMessage, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          const form = Object.fromEntries(new URLSearchParams(body));
          requests.push({ method: req.method!, path: req.url!, token: req.headers['private-token'] as string | undefined, body: form });
          const key = decodeURIComponent(req.url!.split('/').pop()!);
          if (req.method === 'PUT' && !existing.has(key)) return res.writeHead(404).end('{"message":"404 Variable Not Found"}');
          if (req.method === 'POST' && form.value!.length < 8) return res.writeHead(400).end(`{"message":{"value":["${form.value} is invalid"]}}`);
          res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' }).end('{}');
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/v4`;
    });
    afterEach(() => new Promise<void>((r) => server.close(() => r())));

    test('updates an existing variable and creates a missing one, masked and raw, from CI_* defaults', async () => {
      const a = secret();
      const b = secret();
      const r = await cli(['--output', 'a=OLD_TOKEN', '--output', 'b=NEW_TOKEN', '--to', 'gitlab'], terraformJson({ a, b }), {
        GITLAB_TOKEN: 'glpat-admin',
        CI_API_V4_URL: url,
        CI_PROJECT_ID: 'acme/app',
      });
      expect(r.status).toBe(0);
      expect(requests.map((q) => `${q.method} ${q.path}`)).toEqual([
        'PUT /api/v4/projects/acme%2Fapp/variables/OLD_TOKEN',
        'PUT /api/v4/projects/acme%2Fapp/variables/NEW_TOKEN',
        'POST /api/v4/projects/acme%2Fapp/variables',
      ]);
      expect(requests.every((q) => q.token === 'glpat-admin')).toBe(true);
      expect(requests[0]!.body).toEqual({ value: a, masked: 'true', raw: 'true', protected: 'false' });
      expect(requests[2]!.body).toEqual({ key: 'NEW_TOKEN', value: b, masked: 'true', raw: 'true', protected: 'false' });
      expect(r.out).toBe('set GitLab CI variable OLD_TOKEN (masked)\nset GitLab CI variable NEW_TOKEN (masked)\n');
      for (const s of [a, b]) expect(r.out + r.err).not.toContain(s);
    });

    test('an error answer is shown with the secret redacted', async () => {
      const short = 'wdn_abc';
      const r = await cli(['--output', 'a=NEW_TOKEN', '--to', 'gitlab', '--gitlab-url', url, '--gitlab-project', '7', '--gitlab-protected'], terraformJson({ a: short }), {
        GITLAB_TOKEN: 'glpat-admin',
      });
      expect(r.status).toBe(1);
      expect(requests[1]!.body.protected).toBe('true');
      expect(r.err).toContain('WCS_GITLAB: setting GitLab variable NEW_TOKEN failed (HTTP 400): {"message":{"value":["[redacted] is invalid"]}}');
      expect(r.out + r.err).not.toContain(short);
    });
  });
});
