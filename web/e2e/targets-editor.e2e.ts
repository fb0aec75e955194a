// End to end: the targets editor in Debian's Chromium against the real dev host and a fresh Azurite. An Admin (sign-in
// is open locally) adds a target with a hostile name through the form; the page lists it as text, runs none of it,
// and the probe's signed GET /api/probes/{probe}/target-list serves it. A name the rules refuse shows the API's
// problem next to the name field.

import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from './browser.ts';
import { type Azurite, freePort, resultsDir, serveDashboard, type Service, startAzurite, startDevHost } from './stack.ts';

const shots = `${resultsDir}/e2e`;
const probe = 'editor-probe';
const hostile = '<img src=x onerror=alert(1)> lab';
const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const publicKeyDer = key.publicKey.export({ type: 'spki', format: 'der' });
const keyId = createHash('sha256').update(publicKeyDer).digest().subarray(0, 8).toString('hex');

let azurite: Azurite;
let devHost: Service;
let devHostPort: number;
let dashboard: { server: PreviewServer; origin: string };
let browser: Browser;
let page: Page;
let mailFolder: string;
const dialogs: string[] = [];
const pageErrors: string[] = [];

const api = (path: string): string => `http://127.0.0.1:${devHostPort}/api${path}`;

/** The probe's own request signature (ProbeRequestSignature): ECDSA P-256 over "NPR1\nMETHOD\npath\nseconds\nSHA-256(body)" (Base64url; a GET's body is empty). */
function probeAuthorization(method: string, path: string): string {
  const seconds = Math.floor(Date.now() / 1000);
  const signature = sign('sha256', Buffer.from(`NPR1\n${method}\n${path}\n${seconds}\n${createHash('sha256').update('').digest('base64url')}`, 'utf8'), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `NPR1 ${probe} ${keyId} ${seconds} ${signature.toString('base64url')}`;
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  mailFolder = mkdtempSync(`${tmpdir()}/netpulse-e2e-editor-mail-`);
  azurite = await startAzurite();
  devHostPort = await freePort();
  dashboard = await serveDashboard({ apiBaseUrl: `http://127.0.0.1:${devHostPort}/api`, refreshSeconds: 5 });
  devHost = await startDevHost({ port: devHostPort, storage: azurite.connectionString, dashboardOrigin: dashboard.origin, mailFolder });
  const registered = await fetch(api('/probes'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: probe, publicKey: publicKeyDer.toString('base64') }),
  });
  expect(registered.status).toBe(201);

  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.server.close();
  await devHost?.stop();
  await azurite?.service.stop();
  if (mailFolder) {
    rmSync(mailFolder, { recursive: true, force: true });
  }
}, 60_000);

describe('the targets editor against the dev host', () => {
  it('adds a target with a hostile name, lists it as text, and the probe is served it', async () => {
    await page.goto(`${dashboard.origin}/#/probes/${probe}/targets`);
    await page.locator('.managed-summary', { hasText: 'Not managed centrally' }).waitFor({ timeout: 30_000 });

    await page.fill('#target-name', hostile);
    await page.fill('#target-host', '192.168.1.1');
    await page.fill('#target-intervalMs', '1000');
    await page.check('#target-uplink');
    await page.click('button.save-target');

    const name = page.locator('table.managed-targets td.target-name');
    await name.first().waitFor({ timeout: 30_000 });
    expect(await name.allTextContents()).toEqual([hostile]);
    expect(await page.locator('table.managed-targets img').count()).toBe(0);
    await page.screenshot({ path: `${shots}/targets-editor-added.png`, fullPage: true });

    const path = `/api/probes/${probe}/target-list`;
    const served = await fetch(api(`/probes/${probe}/target-list`), { headers: { authorization: probeAuthorization('GET', path) } });
    expect(served.status).toBe(200);
    const list = (await served.json()) as { probeId: string; version: string; targets: { name: string; host: string; uplink?: boolean }[] };
    expect(list.targets).toEqual([expect.objectContaining({ name: hostile, host: '192.168.1.1', uplink: true })]);
    expect(served.headers.get('etag')).toBe(`"${list.version}"`);
  });

  it('shows the API problem next to the field it names and adds nothing', async () => {
    await page.fill('#target-name', '\u202Eevil');
    await page.fill('#target-host', 'not a host!');
    await page.fill('#target-intervalMs', '1000');
    await page.uncheck('#target-uplink');
    await page.click('button.save-target');

    const nameError = page.locator('#target-name-error');
    await nameError.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await nameError.textContent()).toContain('U+202E');
    expect(await page.locator('#target-host-error').textContent()).toContain('not an IPv4 or IPv6 address or a DNS name');
    expect(await page.locator('#target-intervalMs-error').isHidden()).toBe(true);
    expect(await page.locator('#target-name').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: `${shots}/targets-editor-invalid.png`, fullPage: true });
    expect(await page.locator('table.managed-targets td.target-name').count()).toBe(1);
  });

  it('ran no script from the data', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
