// A share link opened in Debian's Chromium with sign-in configured: the built dashboard under `vite preview` (the
// Static Web App's headers, CSP included) at #/shared/<token>, nobody signed in. The API (a loopback address nothing
// listens on) is answered here as the backend answers the link's routes, and 401 for any other; Microsoft's sign-in
// and everything else is aborted and listed. The page must show the target's data, start no sign-in and call no route
// but the link's. Needs no dev host, Azurite or dotnet: `npx vitest run --config vitest.e2e.config.ts e2e/shared.e2e.ts`.

import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corsHeaders, fulfillJson, fulfillProblem, shots, startStubbedApi, type StubbedApi } from './stubbed-api.ts';

const auth = {
  clientId: '0e2e0e2e-1111-4222-8333-444444444444',
  tenantId: '7e7e7e7e-5555-4666-8777-888888888888',
  scope: 'api://0e2e0e2e-9999-4aaa-8bbb-cccccccccccc/access_as_user',
};
const token = 'bnAtc2hhcmUtMQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const sharedName = 'isp-edge-shared';
const otherName = 'other-target-never-shown';

let stub: StubbedApi;
const apiCalls: string[] = [];

beforeAll(async () => {
  stub = await startStubbedApi({ dashboard: { refreshSeconds: 2, auth }, api: answerApi });
}, 60_000);

afterAll(async () => {
  await stub?.close();
});

describe('a share link', () => {
  it('shows its target, chart and incidents without sign-in, and calls no route but the link’s', async () => {
    const page = await stub.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${stub.origin}/#/shared/${token}`);
    await page.locator('h1', { hasText: sharedName }).waitFor({ timeout: 30_000 });
    await page.locator('.latency-chart canvas').first().waitFor({ timeout: 30_000 });
    await page.locator('table tbody tr').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${shots}/shared-target.png`, fullPage: true });

    expect(await page.locator('.host').textContent()).toContain('Flat 3');
    expect(await page.locator('[data-screen="sign-in"], .sign-in-button, .main-nav, .share-button, .mute-button').count()).toBe(0);
    expect(await page.content()).not.toContain(otherName);
    expect(await page.locator('a[href^="#/"]').count()).toBe(0);
    expect(apiCalls.length).toBeGreaterThanOrEqual(3);
    expect(apiCalls.filter((path) => !path.startsWith(`/api/shared/${token}`))).toEqual([]);
    expect(stub.blocked).toEqual([]);
    expect(errors).toEqual([]);
  });
});

/** The link's routes as the backend answers them; any other route as the backend answers it without a token: 401. */
async function answerApi(route: Route, url: URL): Promise<void> {
  const cors = corsHeaders(stub.origin);
  if (route.request().method() === 'OPTIONS') {
    await route.fulfill({ status: 204, headers: cors });
    return;
  }

  apiCalls.push(url.pathname);
  const now = Date.now();
  const target = {
    id: 'home-1~aXNwLWVkZ2Utc2hhcmVk',
    probeId: 'home-1',
    name: sharedName,
    host: '192.0.2.1',
    category: 'isp',
    description: null,
    uplink: true,
    intervalMs: 1000,
    status: 'up',
    lastSampleAt: new Date(now - 2000).toISOString(),
    lastRttMs: 12.5,
    loss1hPercent: 0.5,
    uptime24hPercent: 99.9,
    latencyThresholdMs: 100,
    lossThresholdPercent: 5,
    sparkline: [],
    openIncidents: [],
  };
  const base = `/api/shared/${token}`;
  let body: unknown;
  if (url.pathname === base) {
    body = { scope: 'target', probeId: 'home-1', site: 'Flat 3', dataFrom: new Date(now - 30 * 86_400_000).toISOString(), expiresAt: new Date(now + 7 * 86_400_000).toISOString(), target, pack: null };
  } else if (url.pathname === `${base}/series`) {
    const points = Array.from({ length: 60 }, (_, i) => ({ t: new Date(now - (60 - i) * 60_000).toISOString(), minMs: 10, p50Ms: 12 + (i % 5), maxMs: 20, lossPercent: i === 30 ? 10 : 0, count: 60 }));
    body = { target, from: url.searchParams.get('from'), to: url.searchParams.get('to'), resolution: 'minute', stepSeconds: 60, points };
  } else if (url.pathname === `${base}/incidents`) {
    const start = new Date(now - 3600_000).toISOString();
    body = { incidents: [{ id: `${start}-D`, probeId: 'home-1', targetId: target.id, targetName: sharedName, type: 'down', start, end: new Date(now - 3000_000).toISOString(), durationSeconds: 600, peakValue: null, threshold: null, groupedUnderIncidentId: null, maintenanceWindowId: null, acknowledgement: null }] };
  } else {
    await fulfillProblem(route, cors, { type: 'urn:netpulse:problem:sign-in-required', title: 'Sign-in required', status: 401, detail: 'no token', parameter: null });
    return;
  }

  await fulfillJson(route, cors, body);
}
