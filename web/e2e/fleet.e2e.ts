// The fleet page end to end in Debian's Chromium against a stubbed API: the built dashboard (open mode, so the
// Retire button shows) under `vite preview` with the deployed site's headers (CSP included). Two probes, one with
// hostile site and version text: it must show as text, run no script and add no element. Retire posts to the API.
// Needs no dev host, Azurite or dotnet: `npm run build && npx vitest run --config vitest.e2e.config.ts e2e/fleet.e2e.ts`.

import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corsHeaders, fulfillJson, fulfillProblem, noAlerts, shots, startStubbedApi, type StubbedApi } from './stubbed-api.ts';

const hostile = '<img src=x onerror="window.__pwned=1">';

let stub: StubbedApi;
const posted: string[] = [];

beforeAll(async () => {
  stub = await startStubbedApi({ dashboard: { refreshSeconds: 2 }, api: answerApi });
}, 60_000);

afterAll(async () => {
  await stub?.close();
});

describe('the fleet page', () => {
  it('lists two probes with hostile text as text, flags the silent one and retires a probe', async () => {
    const page = await stub.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));

    await page.goto(`${stub.origin}/#/fleet`);
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
    expect(stub.blocked).toEqual([]);
    await page.close();
  });
});

async function answerApi(route: Route, url: URL): Promise<void> {
  const request = route.request();
  const cors = corsHeaders(stub.origin);
  const json = (body: unknown): Promise<void> => fulfillJson(route, cors, body);
  if (request.method() === 'OPTIONS') {
    await route.fulfill({ status: 204, headers: cors });
  } else if (request.method() === 'POST' && url.pathname === '/api/probes/lab-02/retire') {
    posted.push(`POST ${url.pathname}`);
    await json({ id: 'lab-02', retired: true });
  } else if (url.pathname === '/api/probes') {
    await json(fleet());
  } else if (url.pathname === '/api/alerts') {
    await json(noAlerts());
  } else {
    await fulfillProblem(route, cors, { status: 404, title: 'Not found' });
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
