// End to end: the built dashboard in Debian's Chromium against the real dev host and a fresh Azurite,
// with data that went through the real pipeline (ping batches on the queue, ingested by IngestBatch).
// Screenshots land in web/test-results/e2e/.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from './browser.ts';
import { QueueRest } from './queue.ts';
import { hostileName, LiveProbe, plan, probeId, registerProbe, type SeedPlan, seedHistory, yesterdayHour } from './seed.ts';
import { type Azurite, devAccount, devHostDll, freePort, GiveUp, resultsDir, serveDashboard, type Service, startAzurite, startDevHost, waitFor } from './stack.ts';

const shots = `${resultsDir}/e2e`;
const refreshSeconds = 2;

interface ApiTarget {
  id: string;
  name: string;
  status: string;
  openIncidents: unknown[];
}

let azurite: Azurite;
let devHost: Service;
let devHostPort: number;
let dashboard: { server: PreviewServer; origin: string };
let browser: Browser;
let page: Page;
let live: LiveProbe;
let seed: SeedPlan;
let mailFolder: string;
let targets: ApiTarget[] = [];
const dialogs: string[] = [];
const cspViolations: string[] = [];
const pageErrors: string[] = [];

const api = (path: string): string => `http://127.0.0.1:${devHostPort}/api${path}`;
const idOf = (name: string): string => targets.find((t) => t.name === name)?.id ?? `missing:${name}`;

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

async function startHost(): Promise<Service> {
  return startDevHost({ port: devHostPort, storage: azurite.connectionString, dashboardOrigin: dashboard.origin, mailFolder });
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  mailFolder = mkdtempSync(`${tmpdir()}/netpulse-e2e-mail-`);
  azurite = await startAzurite();
  const queue = new QueueRest(azurite.queueEndpoint, devAccount.name, devAccount.key);

  devHostPort = await freePort();
  dashboard = await serveDashboard({ apiBaseUrl: `http://127.0.0.1:${devHostPort}/api`, refreshSeconds });
  devHost = await startHost();

  // The probe's key first (batches of an unregistered probe are refused), then two hours of history at once,
  // as a probe uploads its spooled backlog.
  await registerProbe(`http://127.0.0.1:${devHostPort}/api`);
  seed = plan(new Date());
  const nextSequence = await seedHistory(queue, seed);

  // Ingested, and detection has opened the web server's current outage.
  targets = await waitFor(
    'the seeded targets, with the open outage, from /api/targets',
    async () => {
      const response = await fetch(api('/targets'));
      if (response.status === 404) {
        throw new GiveUp(`the dev host has no /api/targets: is ${devHostDll} built from the current source?`);
      }

      if (!response.ok) {
        throw new Error(`/api/targets answered ${response.status}`);
      }

      const body = (await response.json()) as { targets: ApiTarget[] };
      const web = body.targets.find((t) => t.name === 'web-server');
      const ready = body.targets.length === seed.targets.length && web && web.openIncidents.length > 0;
      // The approximate count includes messages being processed: 0 means every batch is in.
      return ready && (await queue.count('ping-batches')) === 0 ? body.targets : null;
    },
    120_000,
    1000,
  );

  live = new LiveProbe(queue, seed, nextSequence);
  live.start(3000);

  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) {
      cspViolations.push(message.text());
    }
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
}, 240_000);

afterAll(async () => {
  await live?.stop();
  await browser?.close();
  await dashboard?.server.close();
  await devHost?.stop();
  await azurite?.service.stop();
  if (mailFolder) {
    rmSync(mailFolder, { recursive: true, force: true });
  }
}, 60_000);

describe('the dashboard against the dev host', () => {
  it('shows one tile per seeded target, grouped by category, hostile text shown literally', async () => {
    await page.goto(`${dashboard.origin}/#/`);
    await page.locator('a.tile').nth(seed.targets.length - 1).waitFor({ timeout: 30_000 });

    const names = await page.locator('a.tile .name').allTextContents();
    expect(names.sort()).toEqual(seed.targets.map((t) => t.name).sort());
    expect(names).toContain(hostileName);
    // The markup in names, hosts and categories stayed text: no element was made from it.
    expect(await page.locator('.tiles img, .tiles script, .tiles svg[onload], main b').count()).toBe(0);
    expect(await page.locator('.group h2').allTextContents()).toContain('<b>hostile</b> & "quoted" (1)');

    const web = page.locator(`a.tile[data-target-id="${idOf('web-server')}"]`);
    expect(await web.getAttribute('class')).toContain('status-down');
    expect(await web.locator('.reason').textContent()).toMatch(/^Down for \d/);
    const gateway = page.locator(`a.tile[data-target-id="${idOf('gateway')}"]`);
    expect(await gateway.getAttribute('class')).toContain('status-up');
    expect(await gateway.locator('.spark-line').getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+ L/);

    const probeChip = page.locator('.probe');
    expect(await probeChip.textContent()).toMatch(new RegExp(`probe ${probeId} last seen \\d+ s ago`));
    await shot(page, 'overview');
  });

  it('refreshes on its own, in place, and says when it last updated', async () => {
    const tile = `a.tile[data-target-id="${idOf('gateway')}"]`;
    await page.locator(tile).evaluate((element) => {
      (element as HTMLElement & { e2eMark?: boolean }).e2eMark = true;
    });

    // The probe starts seeing 42 ms to its gateway: the tile must show it without a reload.
    live.override('gateway', () => 42_000);
    await page.waitForFunction((selector) => document.querySelector(`${selector} dd`)?.textContent === '42.0 ms', tile, { timeout: 60_000 });

    expect(await page.locator(tile).evaluate((element) => (element as HTMLElement & { e2eMark?: boolean }).e2eMark === true)).toBe(true);
    expect(await page.locator('.updated').textContent()).toMatch(/^updated \d+ s ago$/);
    expect(await page.locator('.banner').isVisible()).toBe(false);
  });

  it('draws the latency smoke with loss and incidents on the target page, and zooms', async () => {
    await page.goto(`${dashboard.origin}/#/target/${encodeURIComponent(idOf('web-server'))}?range=1h`);
    const chart = page.locator('.latency-chart');
    await chart.locator('canvas').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => (document.querySelector('.target h1')?.textContent ?? '') === 'web-server');
    // Both the resolved and the open outage are in the last hour.
    await page.locator('table.incidents tbody tr').nth(1).waitFor({ timeout: 30_000 });

    const pixels = await canvasPixels(page);
    expect(pixels.drawn).toBeGreaterThan(2000);
    // Loss bars and the down incidents' shading are red.
    expect(pixels.reddish).toBeGreaterThan(500);
    expect(await page.locator('.u-legend .u-series').count()).toBeGreaterThanOrEqual(5);
    await shot(page, 'target-1h');

    // Drag across the middle of the plot to zoom, double-click to zoom out.
    const full = await xRange(page);
    const over = await chart.locator('.u-over').boundingBox();
    expect(over).not.toBeNull();
    const y = over!.y + over!.height / 2;
    await page.mouse.move(over!.x + over!.width * 0.4, y);
    await page.mouse.down();
    await page.mouse.move(over!.x + over!.width * 0.6, y, { steps: 5 });
    await page.mouse.up();
    const zoomed = await xRange(page);
    expect(zoomed.max - zoomed.min).toBeLessThan((full.max - full.min) * 0.5);
    await shot(page, 'target-zoomed');

    await chart.locator('.u-over').dblclick();
    const reset = await xRange(page);
    expect(reset.max - reset.min).toBeGreaterThan((full.max - full.min) * 0.9);

    // The download links work: the API streams the samples of the window on show.
    const csv = new URL((await page.locator('a.download', { hasText: 'CSV' }).getAttribute('href')) ?? '');
    expect(csv.pathname).toBe('/api/export');
    expect(csv.searchParams.get('target')).toBe(idOf('web-server'));
    expect(csv.searchParams.get('format')).toBe('csv');
    const download = await fetch(csv);
    expect(download.status).toBe(200);
    expect((await download.text()).split('\n').length).toBeGreaterThan(100);

    await page.goto(`${dashboard.origin}/#/target/${encodeURIComponent(idOf(hostileName))}?range=24h`);
    await page.waitForFunction((name) => document.querySelector('.target h1')?.textContent === name, hostileName, { timeout: 30_000 });
    await page.locator('.latency-chart canvas').waitFor();
    expect((await canvasPixels(page)).drawn).toBeGreaterThan(2000);
    expect(await page.title()).toBe(`${hostileName} · NetPulse`);
    await shot(page, 'target-hostile-24h');
  });

  it('lists open and resolved incidents, filtered by target, type and state', async () => {
    await page.goto(`${dashboard.origin}/#/incidents`);
    const rows = page.locator('table.incidents tbody tr');
    await rows.nth(1).waitFor({ timeout: 30_000 });

    const webRows = page.locator('tr.incident', { has: page.locator('td.target-name', { hasText: 'web-server' }) });
    expect(await webRows.count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('tr.incident.open td.state').first().textContent()).toBe('open');
    expect(await page.locator('tr.incident:not(.open) td.state').first().textContent()).toBe('resolved');
    await shot(page, 'incidents');

    await page.selectOption('select[name="state"]', 'open');
    await page.waitForURL(/state=open/);
    await page.waitForFunction(() => document.querySelectorAll('table.incidents tbody tr:not(.open)').length === 0 && document.querySelectorAll('tr.incident.open').length > 0);

    await page.selectOption('select[name="type"]', 'latency');
    await page.waitForURL(/type=latency/);
    await page.locator('.incident-table .empty').waitFor({ state: 'visible', timeout: 15_000 });

    await page.goto(`${dashboard.origin}/#/incidents?target=${encodeURIComponent(idOf('gateway'))}`);
    await page.locator('.incident-table .empty').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('select[name="target"]').inputValue()).toBe(idOf('gateway'));
  });

  it('lists daily reports and shows a day with grades and downloads', async () => {
    // Yesterday's hour of samples is in; build its report as the timer would after midnight, with the page's
    // Rebuild button (offered to everyone with an open API; with sign-in to the Admin role only).
    const { date } = yesterdayHour(seed);
    await page.goto(`${dashboard.origin}/#/reports/${date}`);
    await page.locator('.rebuild-button').click();
    await page.waitForFunction(() => document.querySelector('.rebuild-status')?.textContent?.startsWith('Rebuilt'), undefined, { timeout: 60_000 });
    expect(await page.locator('.rebuild-status').textContent()).toBe('Rebuilt from the samples stored now.');

    await page.goto(`${dashboard.origin}/#/reports`);
    await page.locator('.report-dates a', { hasText: date }).click();
    await page.waitForURL(new RegExp(`#/reports/${date}$`));
    const rows = page.locator('table.report-table tbody tr');
    await rows.nth(seed.targets.length - 1).waitFor({ timeout: 30_000 });

    expect(await page.locator('table.report-table td.target-name > :first-child').allTextContents()).toContain(hostileName);
    expect(await page.locator('table.report-table img, table.report-table script').count()).toBe(0);
    for (const grade of await page.locator('table.report-table .grade').allTextContents()) {
      expect(grade).toMatch(/^[A-F]$/);
    }

    // The hostile target's row links to its page by the id the API gives it.
    expect(await page.locator('table.report-table a', { hasText: hostileName }).getAttribute('href')).toBe(`#/target/${encodeURIComponent(idOf(hostileName))}`);
    for (const link of ['report JSON', 'report CSV']) {
      const href = await page.locator('a.download', { hasText: link }).getAttribute('href');
      const response = await fetch(href ?? '');
      expect(response.status, `${link}: ${href}`).toBe(200);
    }

    expect(await page.locator('.banner').isVisible()).toBe(false);
    await shot(page, 'report-day');
  });

  it('fits a phone screen without scrolling sideways', async () => {
    const phone = await browser.context.newPage();
    try {
      await phone.setViewportSize({ width: 375, height: 812 });
      for (const [name, hash, ready] of [
        ['phone-overview', '#/', 'a.tile'],
        ['phone-target', `#/target/${encodeURIComponent(idOf(hostileName))}?range=1h`, '.latency-chart canvas'],
        ['phone-incidents', '#/incidents', 'table.incidents tbody tr'],
      ] as const) {
        await phone.goto(`${dashboard.origin}/${hash}`);
        await phone.locator(ready).first().waitFor({ timeout: 30_000 });
        const width = await phone.evaluate(() => document.documentElement.scrollWidth);
        expect(width, `${name} is ${width}px wide`).toBeLessThanOrEqual(375);
        await shot(phone, name);
      }
    } finally {
      await phone.close();
    }
  });

  it('raises a banner when the API is unreachable and recovers when it is back', async () => {
    await page.goto(`${dashboard.origin}/#/`);
    await page.locator('a.tile').first().waitFor({ timeout: 30_000 });

    await devHost.stop();
    const banner = page.locator('.banner');
    await banner.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await banner.textContent()).toContain('The NetPulse API is unreachable.');
    // What was on screen stays, marked as old.
    expect(await page.locator('a.tile').count()).toBe(seed.targets.length);
    expect(await page.locator('.updated').textContent()).toMatch(/^last updated \d+/);
    await shot(page, 'api-unreachable');

    devHost = await startHost();
    await banner.waitFor({ state: 'hidden', timeout: 60_000 });
    expect(await page.locator('.updated').textContent()).toMatch(/^updated \d+ s ago$/);
    await shot(page, 'api-recovered');
  });

  it('ran no script from the data and kept to its Content Security Policy', () => {
    expect(dialogs).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(live.lastError).toBeNull();
  });
});

/** Counts the chart canvas' painted pixels, and the red ones among them. */
function canvasPixels(p: Page): Promise<{ drawn: number; reddish: number }> {
  return p.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.latency-chart canvas');
    const context = canvas?.getContext('2d');
    if (!canvas || !context) {
      return { drawn: 0, reddish: 0 };
    }

    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let drawn = 0;
    let reddish = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
      if (a > 0) {
        drawn++;
        if (r > 150 && r > g + 40 && r > b + 40) {
          reddish++;
        }
      }
    }

    return { drawn, reddish };
  });
}

async function xRange(p: Page): Promise<{ min: number; max: number }> {
  const range = await p.locator('.latency-chart').evaluate((element) => ({
    min: Number((element as HTMLElement).dataset['xMin']),
    max: Number((element as HTMLElement).dataset['xMax']),
  }));
  expect(Number.isFinite(range.min) && Number.isFinite(range.max)).toBe(true);
  return range;
}
