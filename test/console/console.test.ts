import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { AuthError } from '../../api-client';
import { writeConsoleAssets } from '../../console/build';
import { type PageGlobals, clipboardText, focusedText, pageWidths, webStorageText } from '../support/page-globals';
import { ROOT, TestClock, startServer } from '../support/server';

const ARTIFACTS = resolve(ROOT, 'test-artifacts', 'console');
const EMAIL = 'admin@warden.local';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const clock = new TestClock();
/** Every response body and request body the page exchanged, for the secret-leak checks. */
const network: { url: string; request: string; response: string }[] = [];
let step = 0;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });
}

async function signIn(email = EMAIL, password = PASSWORD): Promise<void> {
  await page.goto(`${server.url}/#/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function signInAsAdmin(): Promise<void> {
  await signIn();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

async function accountIdByName(name: string): Promise<string> {
  const list = await server.client.listServiceAccounts({ name });
  const account = list.items[0];
  if (!account) throw new Error(`no service account ${name}`);
  return account.id;
}

beforeAll(async () => {
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  await writeConsoleAssets(resolve(ROOT, 'dist', 'console'));
  server = await startServer({ clock, bootstrapEmail: EMAIL, bootstrapPassword: PASSWORD });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  page = await context.newPage();
  page.on('response', (response) => {
    const entry = { url: response.url(), request: response.request().postData() ?? '', response: '' };
    network.push(entry);
    response.text().then(
      (text) => (entry.response = text),
      () => undefined,
    );
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the web console', () => {
  test('is served at / with a strict CSP and cacheable assets, without shadowing the API', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await index.text()).not.toMatch(/<script>|<style>|https?:\/\//);
    const js = await fetch(`${server.url}/console/app.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toContain('max-age');
    // Every body is read: one left unread holds its connection, and the server's close waits for it.
    await js.arrayBuffer();
    const status = async (path: string) => {
      const res = await fetch(`${server.url}${path}`);
      await res.arrayBuffer();
      return res.status;
    };
    expect(await status('/console/nope.js')).toBe(404);
    expect(await status('/healthz')).toBe(200);
    expect(await status('/v1/whoami')).toBe(401);
  });

  test('refuses a service account sign-in with a clear message', async () => {
    await server.client.createServiceAccount({ name: 'robot' });
    await signIn('robot@service', 'whatever-password');
    await expect(page.getByRole('alert').filter({ hasText: 'Service accounts cannot sign in' }).textContent()).resolves.toContain('API tokens');
    await shot('service-account-sign-in-refused');
  });

  test('signs a person in and lists service accounts with a Service badge', async () => {
    await signIn();
    await page.getByRole('heading', { name: 'Service accounts' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'robot@service' });
    await expect(row.textContent()).resolves.toContain('Service');
    await expect(row.textContent()).resolves.toContain('Organization');
    await shot('signed-in-account-list');
  });

  test('shows field errors next to the field, from local validation and from the server', async () => {
    await page.goto(`${server.url}/#/accounts/new`);
    await page.getByLabel('Name', { exact: true }).fill('Bad Name');
    await page.getByRole('button', { name: 'Next: first token' }).click();
    await expect(page.locator('#f-name-error').textContent()).resolves.toContain('starting with a letter');
    await expect(page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await shot('field-error-local');
    await page.getByLabel('Name', { exact: true }).fill('robot');
    await page.getByRole('button', { name: 'Next: first token' }).click();
    await page
      .locator('#f-name-error')
      .filter({ hasText: /robot|exists|taken/i })
      .waitFor();
    await shot('field-error-from-server');
    // A rule only the server checks: its problem+json errors[].path lands next to the teams field.
    await page.getByLabel('Name', { exact: true }).fill('teams-bot');
    await page.getByLabel('Teams (comma separated)').fill('bad/team');
    await page.getByRole('button', { name: 'Next: first token' }).click();
    await page
      .locator('#f-teams-error')
      .filter({ hasText: /team name/ })
      .waitFor();
    await expect(page.locator('#f-name-error').textContent()).resolves.toBe('');
    await expect(server.client.listServiceAccounts({ name: 'teams-bot' })).resolves.toMatchObject({ items: [] });
    await shot('field-error-server-path');
  });

  let secret = '';
  test('creates an account with its first token and reveals the secret once', async () => {
    await page.goto(`${server.url}/#/accounts/new`);
    await page.getByLabel('Name', { exact: true }).fill('deploy-bot');
    await page.getByLabel('Display name').fill('Deploy bot');
    await page.getByLabel('Role').selectOption('editor');
    await page.getByLabel('Teams (comma separated)').fill('platform');
    await shot('wizard-step-1');
    await page.getByRole('button', { name: 'Next: first token' }).click();
    await page.getByLabel('Token name').fill('ci');
    await page.getByLabel('Expiration', { exact: true }).selectOption('30');
    await shot('wizard-step-2');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByTestId('secret');
    secret = (await shown.textContent()) ?? '';
    expect(secret).toMatch(/^wdn_[A-Za-z0-9]{30,}$/);
    await expect(page.getByText('It will not be shown again').count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('status').filter({ hasText: 'copied' }).waitFor();
    await expect(clipboardText(page)).resolves.toBe(secret);
    await shot('secret-revealed-and-copied');

    const account = await server.client.getServiceAccount(await accountIdByName('deploy-bot'));
    expect(account.teams.sort()).toEqual(['platform', 'public']);
    const whoami = await server.clientFor(secret).whoami();
    expect(whoami).toMatchObject({ user_type: 'service', id: account.id });
  });

  test('forgets the secret on navigation: not in the DOM, storage, or any other network exchange', async () => {
    await page.getByRole('link', { name: 'Service accounts' }).click();
    await page.getByRole('heading', { name: 'Service accounts' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'deploy-bot@service' }).waitFor();
    await shot('after-navigation');
    expect(await page.content()).not.toContain(secret);
    const storage = await webStorageText(page);
    expect(storage).not.toContain(secret);
    const carrying = network.filter((n) => n.response.includes(secret) || n.request.includes(secret) || n.url.includes(secret));
    expect(carrying.map((n) => new URL(n.url).pathname)).toEqual([expect.stringMatching(/^\/v1\/service-accounts\/[^/]+\/tokens$/)]);
    const row = page.getByRole('row').filter({ hasText: 'deploy-bot@service' });
    await expect(row.textContent()).resolves.toMatch(/editor.*Enabled.*No expiry.*1$/);
  });

  test('regenerates with an overlap: old and new secrets both work until it ends', async () => {
    const id = await accountIdByName('deploy-bot');
    await page.goto(`${server.url}/#/accounts/${id}`);
    const row = page.locator('tr[data-token="ci"]');
    await row.getByRole('button', { name: 'Regenerate' }).click();
    await page.getByRole('dialog').getByLabel('Overlap in hours (0-168)').fill('2');
    await shot('regenerate-dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Regenerate' }).click();
    const fresh = (await page.getByTestId('secret').textContent()) ?? '';
    expect(fresh).not.toBe(secret);
    await expect(page.getByText('The old secret keeps working until').count()).resolves.toBe(1);
    await row.getByText('Old secret works until').waitFor();
    await shot('regenerated-with-overlap');
    await expect(server.clientFor(secret).whoami()).resolves.toMatchObject({ id });
    await expect(server.clientFor(fresh).whoami()).resolves.toMatchObject({ id });
    clock.advance(2 * 3600_000 + 1000);
    await expect(server.clientFor(secret).whoami()).rejects.toBeInstanceOf(AuthError);
    await expect(server.clientFor(fresh).whoami()).resolves.toMatchObject({ id });
    await page.reload();
    await signInAsAdmin();
    await page.goto(`${server.url}/#/accounts/${id}`);
    await page.locator('tr[data-token="ci"]').waitFor();
    await expect(page.locator('tr[data-token="ci"]').textContent()).resolves.not.toContain('Old secret works until');
    await shot('overlap-over');
    secret = fresh;
  });

  test('revokes a token after confirmation', async () => {
    const row = page.locator('tr[data-token="ci"]');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await shot('revoke-confirmation');
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await row.locator('.state').filter({ hasText: 'revoked' }).waitFor();
    await shot('revoked');
    await expect(server.clientFor(secret).whoami()).rejects.toBeInstanceOf(AuthError);
  });

  test('deletes an account after a confirmation that says every token stops working', async () => {
    await page.getByRole('button', { name: 'Add token' }).click();
    await page.getByRole('dialog').getByLabel('Token name').fill('second');
    await page.getByRole('dialog').getByRole('button', { name: 'Create token' }).click();
    const second = (await page.getByTestId('secret').textContent()) ?? '';
    await expect(server.clientFor(second).whoami()).resolves.toMatchObject({ user_type: 'service' });
    await page.getByRole('button', { name: 'Delete account' }).click();
    await expect(page.getByRole('dialog').textContent()).resolves.toContain('Every token of this account stops working');
    await shot('delete-confirmation');
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'Service accounts' }).waitFor();
    await expect(page.getByRole('row').filter({ hasText: 'deploy-bot@service' }).count()).resolves.toBe(0);
    await shot('deleted');
    await expect(server.clientFor(second).whoami()).rejects.toBeInstanceOf(AuthError);
  });

  test('creates an account and its first token with the keyboard only', async () => {
    await page.goto(`${server.url}/#/accounts`);
    await page.getByRole('heading', { name: 'Service accounts' }).waitFor();
    await page.getByRole('link', { name: 'Add service account' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /step 1 of 2/ }).waitFor();
    await page.keyboard.type('keyboard-bot'); // the name field has focus
    await page.keyboard.press('Tab');
    await page.keyboard.type('Keyboard bot');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /step 2 of 2/ }).waitFor();
    await page.keyboard.type('kb-token');
    await page.keyboard.press('Enter');
    const shown = (await page.getByTestId('secret').textContent()) ?? '';
    expect(await focusedText(page)).toBe('Copy');
    await shot('keyboard-only-created');
    await expect(server.clientFor(shown).whoami()).resolves.toMatchObject({ user_type: 'service', name: 'keyboard-bot' });
  });

  test('creates a personal API token with the same reveal flow', async () => {
    await page.getByRole('link', { name: 'My API tokens' }).click();
    await page.getByRole('button', { name: 'Add token' }).click();
    await page.getByRole('dialog').getByLabel('Token name').fill('laptop');
    await page.getByRole('dialog').getByRole('button', { name: 'Create token' }).click();
    const shown = (await page.getByTestId('secret').textContent()) ?? '';
    await shot('personal-token');
    await expect(server.clientFor(shown).whoami()).resolves.toMatchObject({ user_type: 'user' });
  });

  test("shows an account's networks and a token's limits", async () => {
    const account = await server.client.createServiceAccount({ name: 'bound-bot', allowed_cidrs: ['10.0.0.0/8', '2001:db8::/32'] });
    const token = await server.client.createServiceAccountToken(account.id, { name: 'bound', allowed_cidrs: ['10.1.0.0/16'], max_unused_days: 30 });
    await server.client.createServiceAccountToken(account.id, { name: 'free' });
    await page.goto(`${server.url}/#/accounts/${account.id}`);
    await page.locator('tr[data-token="bound"]').waitFor();
    await expect(page.locator('dl.facts').textContent()).resolves.toContain('Networks10.0.0.0/8, 2001:db8::/32');
    await expect(page.locator('tr[data-token="bound"] td.limits').textContent()).resolves.toBe(
      `From 10.1.0.0/16; Stops if unused 30 days (${token.unused_expires_at!.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC')})`,
    );
    await expect(page.locator('tr[data-token="free"] td.limits').textContent()).resolves.toBe('—');
    await shot('token-limits');
  });

  test('filters the audit log by target', async () => {
    const id = await accountIdByName('keyboard-bot');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Target id').fill(id);
    await page.getByRole('button', { name: 'Filter' }).click();
    // The unfiltered table is on screen until the filtered one replaces it.
    await page.waitForFunction((target) => {
      const { document, location } = globalThis as unknown as PageGlobals;
      const cells = Array.from(document.querySelectorAll('tbody tr td:nth-child(4)'));
      return location.hash.includes(target) && cells.length > 0 && cells.every((c) => c.textContent?.includes(target));
    }, id);
    await page.getByRole('cell', { name: 'service_account.create' }).waitFor();
    const targets = await page.locator('tbody tr td:nth-child(4)').allTextContents();
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) expect(t).toContain(id);
    await shot('audit-filtered');
  });

  test('the audit log shows names next to ids', async () => {
    const id = await accountIdByName('keyboard-bot');
    await page.goto(`${server.url}/#/audit?target_id=${id}`);
    const row = page.locator('tbody tr').filter({ hasText: 'service_account.create' });
    await row.waitFor();
    await expect(row.locator('td').nth(3).textContent()).resolves.toMatch(new RegExp(`keyboard-bot.*${id}`));
    // The actor is the signed-in admin: its name and email stand next to its id.
    await expect(row.locator('td').nth(1).textContent()).resolves.toContain(EMAIL);
    await shot('audit-names');
  });

  test('clears the status line on navigation', async () => {
    await page.getByRole('link', { name: 'My API tokens' }).click();
    await page.getByRole('button', { name: 'Add token' }).click();
    await page.getByRole('dialog').getByLabel('Token name').fill('status-check');
    await page.getByRole('dialog').getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('status').filter({ hasText: 'Token created.' }).waitFor();
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await expect(page.getByRole('status').textContent()).resolves.toBe('');
  });

  test("shows the server's refusal in the add-token dialog when the name is taken", async () => {
    await page.getByRole('link', { name: 'My API tokens' }).click();
    await page.getByRole('button', { name: 'Add token' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Token name').fill('status-check');
    try {
      await dialog.getByRole('button', { name: 'Create token' }).click();
      await expect(dialog.getByRole('alert').filter({ hasText: 'already exists' }).textContent()).resolves.toContain('token names are unique per owner');
    } finally {
      await dialog.getByRole('button', { name: 'Cancel' }).click();
    }
  });

  test('a page that loads slowly does not replace the page the user went to meanwhile', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inFlight = 0;
    const started = () => inFlight++;
    const ended = () => inFlight--;
    page.on('request', started);
    page.on('requestfinished', ended);
    page.on('requestfailed', ended);
    // The list's first read waits until the user is on another page.
    await page.route('**/v1/projects*', async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.getByRole('link', { name: 'Service accounts' }).click();
      await page.getByRole('link', { name: 'My API tokens' }).click();
      await page.getByRole('heading', { name: 'My API tokens' }).waitFor();
      release();
      // The held view goes on reading after its first answer: wait until the page has been quiet for 250 ms.
      const deadline = Date.now() + 10_000;
      for (let quiet = 0; quiet < 5; quiet = inFlight === 0 ? quiet + 1 : 0) {
        if (Date.now() > deadline) throw new Error(`the page still had ${inFlight} requests in flight after 10 s`);
        await page.waitForTimeout(50);
      }
      await expect(page.getByRole('heading', { level: 1 }).allTextContents()).resolves.toEqual(['My API tokens']);
    } finally {
      await page.unroute('**/v1/projects*');
      page.off('request', started);
      page.off('requestfinished', ended);
      page.off('requestfailed', ended);
    }
  });

  test('the reveal box says so when its token is revoked, and forgets the secret', async () => {
    await page.getByRole('link', { name: 'My API tokens' }).click();
    await page.getByRole('button', { name: 'Add token' }).click();
    await page.getByRole('dialog').getByLabel('Token name').fill('short-lived');
    await page.getByRole('dialog').getByRole('button', { name: 'Create token' }).click();
    const shown = (await page.getByTestId('secret').textContent()) ?? '';
    await page.locator('tr[data-token="short-lived"]').getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.locator('.reveal').filter({ hasText: 'was revoked' }).waitFor();
    await expect(page.getByTestId('secret').count()).resolves.toBe(0);
    expect(await page.content()).not.toContain(shown);
    await shot('reveal-after-revoke');
    await expect(server.clientFor(shown).whoami()).rejects.toBeInstanceOf(AuthError);
  });

  for (const width of [390, 320]) {
    test(`every page fits a ${width} px wide screen without horizontal scrolling`, async () => {
      const phone = await browser.newContext({ viewport: { width, height: 800 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
      const p = await phone.newPage();
      const overflow = async (name: string) => {
        await p.screenshot({ path: join(ARTIFACTS, `${width}px-${name}.png`), fullPage: true });
        return { name, ...(await pageWidths(p)) };
      };
      const fits = (r: { name: string; scrollWidth: number; innerWidth: number }) =>
        expect({ fits: r.scrollWidth <= r.innerWidth, ...r }).toMatchObject({ name: r.name, fits: true });
      try {
        await p.goto(`${server.url}/#/sign-in`);
        await p.getByLabel('Email').waitFor();
        fits(await overflow('sign-in'));
        await p.getByLabel('Email').fill(EMAIL);
        await p.getByLabel('Password').fill(PASSWORD);
        await p.getByRole('button', { name: 'Sign in' }).click();
        await p.getByRole('heading', { name: 'Service accounts' }).waitFor();
        await p.getByRole('row').filter({ hasText: 'keyboard-bot@service' }).waitFor();
        fits(await overflow('accounts'));
        await p.getByRole('link', { name: 'Keyboard bot' }).click();
        await p.locator('tr[data-token="kb-token"]').waitFor();
        await p.getByRole('button', { name: 'Add token' }).click();
        fits(await overflow('add-token-dialog'));
        await p.getByRole('dialog').getByLabel('Token name').fill(`phone-${width}`);
        await p.getByRole('dialog').getByRole('button', { name: 'Create token' }).click();
        await p.getByTestId('secret').waitFor();
        await p.locator(`tr[data-token="phone-${width}"]`).waitFor();
        fits(await overflow('account-with-reveal'));
        await p.goto(`${server.url}/#/accounts/new`);
        await p.getByRole('heading', { name: /step 1 of 2/ }).waitFor();
        fits(await overflow('new-account'));
        await p.getByRole('link', { name: 'My API tokens' }).click();
        await p.locator('tr[data-token="laptop"]').waitFor();
        fits(await overflow('my-tokens'));
        await p.getByRole('link', { name: 'Audit log' }).click();
        await p.getByRole('heading', { name: 'Audit log' }).waitFor();
        await p.locator('tbody tr').first().waitFor();
        fits(await overflow('audit'));
      } finally {
        await phone.close();
      }
    });
  }

  test('sends the user back to sign-in with a message when the session expires', async () => {
    clock.advance(13 * 3600_000);
    await page.getByRole('link', { name: 'Service accounts' }).click();
    await page.getByText('Your session expired. Sign in again.').waitFor();
    await page.getByLabel('Email').waitFor();
    await shot('session-expired');
  });

  test('signs out', async () => {
    await signInAsAdmin();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Signed out');
  });
});
