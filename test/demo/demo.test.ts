import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENGINES } from '../support/terraform';
import { runCommand } from '../support/run';

jest.setTimeout(300_000);

test.each(ENGINES)('`npm run demo -- --once --engine %s` runs every step, prints no secret and exits 0', async (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-demo-'));
  try {
    const { code, output: out } = await runCommand('npm', ['run', '--silent', 'demo', '--', '--once', '--engine', engine], {
      cwd: resolve(__dirname, '..', '..'),
      env: { ...process.env, WARDEN_DEMO_DIR: dir },
    });
    expect({ code, out }).toEqual({ code: 0, out: expect.stringContaining('Demo complete.') });
    expect(out).toContain(`${engine} apply ... done`);
    expect(out).toContain('No changes.');
    expect(out).toMatch(/payments-deployer@service/);
    // Hints are shown; whole secrets never are.
    expect(out).not.toMatch(/wdn_[A-Za-z0-9_-]{20,}/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
