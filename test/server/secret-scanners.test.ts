import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { toolPath } from '../../scripts/toolchain';
import { generateSecret } from '../../server/domain/secrets';
import { ROOT } from '../support/server';

/** The shipped rules, read from the files users install, not restated here. */
const GITLEAKS_CONFIG = join(ROOT, 'scanners', 'gitleaks.toml');

/** The real gitleaks (built by the toolchain) over a directory, with the shipped rule only: the secrets it reports. */
function gitleaksFindings(dir: string): { file: string; secret: string }[] {
  const report = join(mkdtempSync(join(tmpdir(), 'warden-gitleaks-')), 'report.json');
  try {
    execFileSync(
      toolPath('gitleaks'),
      ['dir', dir, '--config', GITLEAKS_CONFIG, '--report-format', 'json', '--report-path', report, '--exit-code', '0', '--no-banner', '--log-level', 'error'],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    return (JSON.parse(readFileSync(report, 'utf8')) as { File: string; Secret: string }[]).map((f) => ({ file: relative(dir, f.File), secret: f.Secret }));
  } finally {
    rmSync(dirname(report), { recursive: true, force: true });
  }
}

// The GitHub document as the package ships it: the tracked pattern with test strings from the build.
const github = JSON.parse(readFileSync(join(ROOT, 'dist', 'scanners', 'github-secret-scanning.json'), 'utf8')) as {
  secret_format: string;
  before_secret: string;
  after_secret: string;
  test_strings: { match: string[]; no_match: string[] };
};
// GitHub's patterns are Hyperscan; \A and \z are the only constructs JavaScript spells differently.
const toJs = (re: string) => re.replace(/\\A/g, '^').replace(/\\z/g, '$');
const githubPattern = new RegExp(`(?:${toJs(github.before_secret)})(${github.secret_format})(?:${toJs(github.after_secret)})`, 'gm');

/**
 * The real secretlint CLI (an ES module, so a child process) over `files` of `root` (it scans only
 * below its working directory), with the shipped rule only: the text of each finding.
 */
function secretlintFindings(root: string, files: string[]): { file: string; secret: string }[] {
  const dir = mkdtempSync(join(tmpdir(), 'warden-secretlint-'));
  try {
    const rc = join(dir, '.secretlintrc.json');
    writeFileSync(rc, JSON.stringify({ rules: [{ id: join(ROOT, 'scanners', 'secretlint-rule-warden.js') }] }));
    // A report file, not stdout: secretlint exits before a large report has drained through a pipe.
    const report = join(dir, 'report.json');
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'secretlint'), ['--secretlintrc', rc, '--format', 'json', '--output', report, '--no-color', ...files], {
      cwd: root,
      encoding: 'utf8',
    });
    // 1 is "found something"; anything else is a failure to run.
    if (run.status !== 0 && run.status !== 1) throw new Error(`secretlint exited ${run.status}: ${run.stderr}`);
    const results = JSON.parse(readFileSync(report, 'utf8')) as { filePath: string; sourceContent: string; messages: { range: [number, number] }[] }[];
    return results.flatMap((r) => r.messages.map((m) => ({ file: relative(root, r.filePath), secret: r.sourceContent.slice(m.range[0], m.range[1]) })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const matchesOf = (re: RegExp, text: string) => [...text.matchAll(re)].map((m) => m[1] ?? m[0]);

describe('secret-scanner rules shipped in scanners/', () => {
  const fresh = Array.from({ length: 500 }, generateSecret);
  const text = fresh.map((t, i) => [`WARDEN_TOKEN=${t}`, `"token": "${t}"`, `Authorization: Bearer ${t}`][i % 3]).join('\n');

  test('gitleaks, GitHub secret scanning and secretlint each find every freshly generated token', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-scan-'));
    try {
      writeFileSync(join(dir, 'ci.log'), text);
      expect(
        gitleaksFindings(dir)
          .map((f) => f.secret)
          .sort(),
      ).toEqual([...fresh].sort());
      expect(secretlintFindings(dir, ['ci.log']).map((f) => f.secret)).toEqual(fresh);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(matchesOf(githubPattern, text)).toEqual(fresh);
  });

  test("the GitHub pattern's own test strings behave as declared", () => {
    for (const s of github.test_strings.match) expect({ s, found: matchesOf(githubPattern, s).length }).toEqual({ s, found: 1 });
    for (const s of github.test_strings.no_match) expect({ s, found: matchesOf(githubPattern, s).length }).toEqual({ s, found: 0 });
  });

  test('secretlint checks the checksum: a token with one character changed is not reported', () => {
    const t = fresh[0]!;
    const dir = mkdtempSync(join(tmpdir(), 'warden-scan-'));
    try {
      writeFileSync(join(dir, 'changed.txt'), `${t.slice(0, 10)}${t[10] === 'a' ? 'b' : 'a'}${t.slice(11)}\n`);
      writeFileSync(join(dir, 'intact.txt'), `${t}\n`);
      expect(secretlintFindings(dir, ['changed.txt', 'intact.txt'])).toEqual([{ file: 'intact.txt', secret: t }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('nothing else in the repository matches', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files.length).toBeGreaterThan(50);
    const found: { file: string; rule: string }[] = [];
    // gitleaks scans a copy of exactly the repository's files (not node_modules or build output).
    const copy = mkdtempSync(join(tmpdir(), 'warden-scan-repo-'));
    for (const file of files) {
      const path = join(ROOT, file);
      let stat;
      try {
        stat = statSync(path);
      } catch {
        continue; // deleted in the work tree
      }
      if (!stat.isFile() || stat.size > 4 * 1024 * 1024) continue;
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      copyFileSync(path, join(copy, file));
      const content = readFileSync(path, 'utf8');
      const githubHits = matchesOf(githubPattern, content);
      if (githubHits.length > 0) found.push({ file, rule: 'github' });
    }
    try {
      for (const { file } of gitleaksFindings(copy)) found.push({ file, rule: 'gitleaks' });
      for (const { file } of secretlintFindings(
        copy,
        files.filter((f) => existsSync(join(copy, f))),
      ))
        found.push({ file, rule: 'secretlint' });
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
    expect(found).toEqual([]);
  });
});
