// The evidence views end to end in Debian's Chromium against a stubbed API: the built dashboard under `vite preview`
// with the deployed site's headers (CSP included). The target page draws both heatmaps over four weeks that hold
// Berlin's fall-back day (the repeated hour split in two) and an hour with no data (hatched, not green), and the
// week's jitter and MOS with the estimate tooltip; the ranking page ranks by the chosen metric, lists the silent target
// apart, and a hostile name stays text. Needs no dev host, Azurite or dotnet:
// `npm run build && npx vitest run --config vitest.e2e.config.ts e2e/evidence-views.e2e.ts`.

import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corsHeaders, fulfillJson, fulfillProblem, shots, startStubbedApi, type StubbedApi } from './stubbed-api.ts';

const hostile = '<img src=x onerror="window.__pwned=1">';
const targetId = 'home-1~Z3c';

let stub: StubbedApi;
const asked: string[] = [];

beforeAll(async () => {
  stub = await startStubbedApi({ dashboard: { refreshSeconds: 2 }, api: answerApi });
}, 60_000);

afterAll(async () => {
  await stub?.close();
});

describe('the evidence views', () => {
  it('draws the loss and p95 heatmaps with no data hatched and the repeated hour split, and the estimates with their tooltip', async () => {
    const page = await stub.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));

    await page.goto(`${stub.origin}/#/target/${encodeURIComponent(targetId)}`);
    await page.waitForSelector('.heatmap-loss rect.heatmap-cell');
    await page.waitForSelector('.heatmap-p95 rect.heatmap-cell');

    const loss = await page.$$eval('.heatmap-loss rect.heatmap-cell', (rects) =>
      rects.map((r) => ({ fill: r.getAttribute('fill'), cls: r.getAttribute('class'), title: r.querySelector('title')?.textContent ?? '' })),
    );
    // 28 days of 24 hours and the fall-back day's extra hour; the last day is complete in the stub.
    expect(loss).toHaveLength(28 * 24 + 1);
    const noData = loss.filter((c) => c.cls?.includes('heatmap-nodata'));
    expect(noData).toHaveLength(1);
    expect(noData[0]!.fill).toBe('url(#hm-nodata-loss)');
    expect(noData[0]!.title).toContain('no data');
    const clean = loss.find((c) => c.title.includes('loss 0.00 %'));
    expect(clean?.fill).toBe('#1a9850');
    const repeated = loss.filter((c) => c.title.startsWith('2026-10-25 02:00'));
    expect(repeated.map((c) => c.title.match(/UTC[+-]\d\d:\d\d/)?.[0])).toEqual(['UTC+02:00', 'UTC+01:00']);
    expect(await page.$$eval('.heatmap-legend li', (lis) => lis.map((li) => li.textContent))).toContain('no data');

    await page.waitForFunction(() => document.querySelectorAll('.stats dd')[7]?.textContent?.includes('est.'));
    const mos = await page.$$eval('.stats dd', (dds) => ({ text: dds[7]?.textContent, title: dds[7]?.getAttribute('title') }));
    expect(mos.text).toBe('4.21 (est.)');
    expect(mos.title).toMatch(/^An estimate/);
    expect(asked).toContain(`heatmap metric=loss weeks=4`);
    expect(asked).toContain(`heatmap metric=p95 weeks=4`);
    await page.screenshot({ path: `${shots}/heatmaps.png`, fullPage: true });
    expect(errors).toEqual([]);
    expect(stub.blocked).toEqual([]);
    await page.close();
  });

  it('ranks by the chosen metric, lists the silent target apart and keeps a hostile name as text', async () => {
    const page = await stub.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));

    await page.goto(`${stub.origin}/#/ranking`);
    await page.waitForSelector('.ranking-table tbody tr');
    expect(await page.getAttribute('a[href="#/ranking"]', 'aria-current')).toBe('page');
    await page.click('nav[aria-label="Rank by"] a:has-text("Jitter")');
    await page.waitForFunction(() => document.querySelector('.ranking-status')?.textContent?.includes('by jitter'));

    const rows = await page.$$eval('.ranking-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => r[1])).toEqual([hostile, 'gw']);
    expect(rows[0]![6]).toBe('3.10');
    expect(await page.$$eval('.ranking-table img', (imgs) => imgs.length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.textContent('.ranking-nodata')).toContain('old');
    expect(asked.filter((a) => a.startsWith('ranking')).at(-1)).toBe('ranking by=jitter');
    await page.screenshot({ path: `${shots}/ranking.png`, fullPage: true });
    expect(errors).toEqual([]);
    expect(stub.blocked).toEqual([]);
    await page.close();
  });
});

async function answerApi(route: Route, url: URL): Promise<void> {
  const request = route.request();
  const cors = corsHeaders(stub.origin);
  const json = (body: unknown): Promise<void> => fulfillJson(route, cors, body);
  const path = decodeURIComponent(url.pathname);
  if (request.method() === 'OPTIONS') {
    await route.fulfill({ status: 204, headers: cors });
  } else if (path === '/api/targets') {
    await json({ generatedAt: new Date().toISOString(), probes: [{ probeId: 'home-1', lastSeenAt: new Date().toISOString(), silent: false, site: null }], targets: [target()] });
  } else if (path === `/api/targets/${targetId}/series`) {
    await json({ target: target(), from: url.searchParams.get('from'), to: url.searchParams.get('to'), resolution: 'minute', stepSeconds: 60, points: [] });
  } else if (path === '/api/incidents') {
    await json({ incidents: [] });
  } else if (path === `/api/targets/${targetId}/heatmap`) {
    asked.push(`heatmap metric=${url.searchParams.get('metric')} weeks=${url.searchParams.get('weeks')}`);
    await json(heatmap(url.searchParams.get('metric') === 'p95' ? 'p95' : 'loss'));
  } else if (path === `/api/targets/${targetId}/quality`) {
    await json({ target: target(), from: url.searchParams.get('from'), to: url.searchParams.get('to'), quality: figures(1, 12, 2.5, 4.21) });
  } else if (path === '/api/ranking') {
    const by = url.searchParams.get('by') ?? 'loss';
    asked.push(`ranking by=${by}`);
    await json({
      from: url.searchParams.get('from'),
      to: url.searchParams.get('to'),
      by,
      ranked: 2,
      truncated: false,
      targets: [
        { id: 'home-1~aG9zdGlsZQ', probeId: 'home-1', name: hostile, quality: figures(8, 60, 9, 3.1) },
        { id: targetId, probeId: 'home-1', name: 'gw', quality: figures(1, 12, 2.5, 4.21) },
      ],
      noData: [{ id: 'home-1~b2xk', probeId: 'home-1', name: 'old', quality: { rounds: 0, replies: 0, lossPercent: null, avgMs: null, p95Ms: null, jitterMs: null, mos: null, coveragePercent: 0 } }],
    });
  } else {
    await fulfillProblem(route, cors, { status: 404, title: 'Not found' });
  }
}

function figures(loss: number, p95: number, jitter: number, mos: number): Record<string, number> {
  return { rounds: 10_000, replies: 10_000 - loss * 100, lossPercent: loss, avgMs: p95 / 2, p95Ms: p95, jitterMs: jitter, mos, coveragePercent: 99.9 };
}

function target(): Record<string, unknown> {
  return {
    id: targetId,
    probeId: 'home-1',
    name: 'gw',
    host: '10.200.0.1',
    category: 'lan',
    description: null,
    uplink: true,
    intervalMs: 60_000,
    status: 'up',
    lastSampleAt: new Date().toISOString(),
    lastRttMs: 1.2,
    loss1hPercent: 0,
    uptime24hPercent: 100,
    latencyThresholdMs: 100,
    lossThresholdPercent: 5,
    sparkline: [],
    openIncidents: [],
  };
}

/** Four weeks of Berlin dates ending 2026-11-07, holding the fall-back day; one hour without data; otherwise 0 % or a little loss. */
function heatmap(metric: 'loss' | 'p95'): unknown {
  const days = [];
  let utc = Date.UTC(2026, 9, 10, 22);
  for (let d = 0; d < 28; d++) {
    const date = new Date(Date.UTC(2026, 9, 11 + d)).toISOString().slice(0, 10);
    const hours = [];
    const count = date === '2026-10-25' ? 25 : 24;
    for (let i = 0; i < count; i++) {
      const summer = utc < Date.UTC(2026, 9, 25, 1);
      const hour = count === 25 && i > 2 ? i - 1 : i;
      const noData = date === '2026-10-20' && hour === 12;
      const value = noData ? null : metric === 'loss' ? (hour >= 19 && hour <= 22 ? 3 : 0) : hour >= 19 && hour <= 22 ? 45 : 12;
      hours.push({ hour, start: new Date(utc).toISOString(), offsetMinutes: summer ? 120 : 60, value, rounds: noData ? 0 : 60, coveragePercent: noData ? 0 : 100 });
      utc += 3_600_000;
    }

    days.push({ date, skippedHours: [], hours });
  }

  return { target: target(), metric, unit: metric === 'loss' ? '%' : 'ms', weeks: 4, timeZone: 'Europe/Berlin', from: '2026-10-10T22:00:00Z', to: '2026-11-07T23:00:00Z', days };
}
