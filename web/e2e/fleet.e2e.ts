// The fleet page end to end in Debian's Chromium against a stubbed API: the built dashboard (open mode, so the
// Retire button shows) under `vite preview` with the deployed site's headers (CSP included). Two probes, one with
// hostile site and version text: it must show as text, run no script and add no element. Retire posts to the API.
// Needs no dev host, Azurite or dotnet: `npm run build && npx vitest run --config vitest.e2e.config.ts e2e/fleet.e2e.ts`.

import { mkdirSync } from 'node:fs';
import type { Route } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from './browser.ts';
import { freePort, resultsDir, serveDashboard } from './stack.ts';

const shots = `${resultsDir}/e2e`;
const hostile = '<img src=x onerror="window.__pwned=1">';

let dashboard: { server: PreviewServer; origin: string };
let apiBase: string;
let browser: Browser;
const posted: string[] = [];
const blocked: string[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  apiBase = `http://127.0.0.1:${await freePort()}/api`;
  dashboard = await serveDashboard({ apiBaseUrl: apiBase, refreshSeconds: 2 });
  browser = await launchChromium();
  await browser.context.route('**/*', (route) => handle(route));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.server.close();
});

describe('the fleet page', () => {
  it('lists two probes with hostile text as text, flags the silent one and retires a probe', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));

    await page.goto(`${dashboard.origin}/#/fleet`);
    await page.waitForSelector('tr[data-probe-id="lab-02"]');

    const rows = await page.$$eval('tr[data-probe-id]', (trs) => trs.map((tr) => ({ id: tr.getAttribute('data-probe-id'), text: tr.textContent, cls: tr.className })));
    expect(rows.map((r) => r.id)).toEqual(['lab-01', 'lab-02']);
    expect(rows[0]!.text).toContain(hostile);
    expect(rows[1]!.cls).toContain('flagged-silent');
    expect(rows[1]!.cls).toContain('flagged-clock');
    expect(await page.$$eval('table.fleet-probes img', (imgs) => imgs.length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.getAttribute('a[href="#/fleet"]', 'aria-current')).toBe('page');
    await page.screenshot({ path: `${shots}/fleet.png`, fullPage: true });

    await page.click('tr[data-probe-id="lab-02"] .retire-probe');
    await page.waitForFunction(() => document.querySelector('.fleet-status')?.textContent?.includes('retired'));
    expect(posted).toEqual(['POST /api/probes/lab-02/retire']);
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
    await page.close();
  });
});

async function handle(route: Route): Promise<void> {
  const request = route.request();
  const url = new URL(request.url());
  if (url.origin === dashboard.origin) {
    await route.continue();
  } else if (request.url().startsWith(`${apiBase}/`)) {
    await answerApi(route, url);
  } else {
    blocked.push(request.url());
    await route.abort('blockedbyclient');
  }
}

async function answerApi(route: Route, url: URL): Promise<void> {
  const request = route.request();
  const cors = {
    'access-control-allow-origin': dashboard.origin,
    'access-control-allow-headers': 'authorization, content-type',
    'access-control-allow-methods': 'GET, POST, DELETE',
  };
  const json = (body: unknown): Promise<void> => route.fulfill({ status: 200, headers: cors, contentType: 'application/json', body: JSON.stringify(body) });
  if (request.method() === 'OPTIONS') {
    await route.fulfill({ status: 204, headers: cors });
  } else if (request.method() === 'POST' && url.pathname === '/api/probes/lab-02/retire') {
    posted.push(`POST ${url.pathname}`);
    await json({ id: 'lab-02', retired: true });
  } else if (url.pathname === '/api/probes') {
    await json(fleet());
  } else if (url.pathname === '/api/alerts') {
    const to = new Date().toISOString();
    await json({ from: to, to, pending: 0, undelivered: 0, matching: 0, truncated: false, alerts: [] });
  } else {
    await route.fulfill({ status: 404, headers: cors, contentType: 'application/problem+json', body: JSON.stringify({ status: 404, title: 'Not found' }) });
  }
}

function fleet(): unknown {
  const now = Date.now();
  const probe = (id: string, overrides: Record<string, unknown>): Record<string, unknown> => ({
    id,
    keyId: '0123456789abcdef',
    publicKey: 'MFkw',
    registeredAt: new Date(now - 86_400_000).toISOString(),
    revokedAt: null,
    state: 'reporting',
    site: 'office-berlin',
    softwareVersion: '1.4.0',
    lastSeenAt: new Date(now - 5_000).toISOString(),
    lastBatchAt: new Date(now - 5_000).toISOString(),
    lastSampleAt: new Date(now - 7_000).toISOString(),
    targetCount: 3,
    spoolDepth: 0,
    oldestUnsentAt: null,
    icmpEngine: 'raw-socket',
    icmpPath: 'raw',
    clockOffsetMs: 100,
    targetListVersion: null,
    silentSince: null,
    retiredAt: null,
    ...overrides,
  });
  return {
    generatedAt: new Date(now).toISOString(),
    probes: [
      probe('lab-01', { site: hostile, softwareVersion: `<script>window.__pwned=2</script>` }),
      probe('lab-02', { state: 'silent', lastSeenAt: new Date(now - 3_600_000).toISOString(), clockOffsetMs: 4200, spoolDepth: 12, icmpEngine: 'ping-class', icmpPath: 'fallback' }),
    ],
  };
}
