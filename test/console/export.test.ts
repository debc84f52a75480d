// "Export as code" in the real headless Chromium: from the accounts list (all of it, and
// filtered by project) and from one account, the HCL / Pulumi / CDKTF tabs show exactly what
// `warden-server export` prints for the same scope, the Copy button puts the shown text on the
// clipboard, what cannot be exported is listed, and no secret reaches the page.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { writeConsoleAssets } from '../../console/build';
import { clipboardText, focusedText, pageWidths } from '../support/page-globals';
import { ROOT, type TestServer, startServer } from '../support/server';
import { type Estate, exportCli, makeEstate } from '../export/estate';

jest.setTimeout(180_000);

const ARTIFACTS = resolve(ROOT, 'test-artifacts', 'console-export');
const EMAIL = 'admin@warden.local';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;

let server: TestServer;
let estate: Estate;
let browser: Browser;
let page: Page;
let env: Record<string, string>;

/** What the CLI prints for these arguments: the console must show the very same text. */
async function cli(args: string[]): Promise<string> {
  const out = await exportCli(args, env);
  if (out.code !== 0) throw new Error(`export failed: ${out.stderr}`);
  return out.stdout;
}

const shown = () => page.locator('#export-panel code').textContent();

async function tab(label: string): Promise<string> {
  await page.getByRole('tab', { name: label }).click();
  await expect(page.getByRole('tab', { name: label }).getAttribute('aria-selected')).resolves.toBe('true');
  return (await shown()) ?? '';
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await writeConsoleAssets(resolve(ROOT, 'dist', 'console'));
  server = await startServer({ bootstrapEmail: EMAIL, bootstrapPassword: PASSWORD });
  estate = await makeEstate(server);
  env = { WARDEN_ENDPOINT: server.url, WARDEN_TOKEN: estate.readerToken };
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  page = await context.newPage();
  await page.goto(`${server.url}/#/sign-in`);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Service accounts' }).waitFor();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('from the accounts list, each tab shows what the CLI prints, and what is not exported is listed', async () => {
  await page.getByRole('link', { name: 'Export as code' }).click();
  await page.getByRole('heading', { name: 'Export as code' }).waitFor();
  expect(await tab('HCL')).toBe(await cli(['--format', 'hcl']));
  await page.screenshot({ path: join(ARTIFACTS, 'export-hcl.png'), fullPage: true });
  expect(await tab('Pulumi')).toBe(await cli(['--format', 'pulumi']));
  expect(await tab('CDKTF')).toBe(await cli(['--format', 'cdktf']));
  const listed = (await page.locator('#not-exported').textContent()) ?? '';
  expect(listed).toContain('token payments-deployer/old: revoked');
  expect(listed).toContain('token search-indexer/paused: disabled');
  const html = await page.content();
  for (const secret of [...estate.secrets, server.adminToken]) expect(html).not.toContain(secret);
});

test('Copy puts the shown text on the clipboard', async () => {
  const text = await tab('HCL');
  await page.getByRole('button', { name: 'Copy' }).click();
  await page.locator('#status').filter({ hasText: 'Copied' }).waitFor();
  expect(await clipboardText(page)).toBe(text);
});

test('the tabs follow the arrow keys, and the page fits a 390 px screen without sideways scrolling', async () => {
  await page.getByRole('tab', { name: 'HCL' }).click();
  await page.getByRole('tab', { name: 'HCL' }).press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Pulumi' }).getAttribute('aria-selected')).resolves.toBe('true');
  await expect(focusedText(page)).resolves.toBe('Pulumi');
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    // The code scrolls inside its own box; the page itself must not.
    expect((await pageWidths(page)).scrollWidth).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'export-390.png'), fullPage: true });
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test('the list filtered by project exports that project, as --project does', async () => {
  await page.goto(`${server.url}/#/accounts?project_id=${estate.projects.payments}`);
  await page.getByRole('heading', { name: 'Service accounts' }).waitFor();
  await page.getByRole('link', { name: 'Export as code' }).click();
  await page.getByRole('heading', { name: 'Export as code' }).waitFor();
  expect(await tab('HCL')).toBe(await cli(['--project', 'payments']));
});

test('from one account, the export holds that account with its bindings and tokens only', async () => {
  const [account] = (await server.client.listServiceAccounts({ name: 'payments-deployer' })).items;
  await page.goto(`${server.url}/#/accounts/${account!.id}`);
  await page.getByRole('link', { name: 'Export as code' }).click();
  await page.getByRole('heading', { name: 'Export as code' }).waitFor();
  const hcl = await tab('HCL');
  expect([...hcl.matchAll(/^resource "(\w+)" "(\w+)"/gm)].map((m) => `${m[1]}.${m[2]}`)).toEqual([
    'warden_service_account.payments_payments_deployer',
    'warden_role_binding.payments_payments_deployer_deployer_payments',
    'warden_role_binding.payments_payments_deployer_editor_payments',
    'warden_token.payments_payments_deployer_ci',
    'warden_token.payments_payments_deployer_release',
    'warden_federated_credential.payments_payments_deployer_github_main',
  ]);
  expect(hcl).toContain('# Exported from Warden by `warden-server export`: account(s) "payments-deployer".\n');
  await page.screenshot({ path: join(ARTIFACTS, 'export-one-account.png'), fullPage: true });
  await page.getByRole('link', { name: '← Service account' }).click();
  await page.getByRole('heading', { name: 'Payments deployer' }).waitFor();
});
