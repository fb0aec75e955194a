// The plumbing of the e2e files that run the built dashboard against a stubbed API instead of the dev host: the
// dashboard under `vite preview` with its config pointing at a free port nobody listens on, Chromium with every
// request routed here. The dashboard's own requests go to vite, the API's to the file's answer, a few other origins
// (Entra ID's sign-in) to theirs, and anything else is aborted and listed in `blocked`, so a test can show the page
// called out to nowhere it should not.

import { mkdirSync } from 'node:fs';
import type { BrowserContext, Route } from 'playwright-core';
import type { ServedConfig } from '../scripts/static-web-app.ts';
import { launchChromium } from './browser.ts';
import { freePort, resultsDir, serveDashboard } from './stack.ts';

/** Where the stubbed files put their screenshots. */
export const shots = `${resultsDir}/e2e`;

type Answer = (route: Route, url: URL) => Promise<void>;

export interface StubbedApiOptions {
  /** The dashboard's config beyond the API's address. */
  dashboard: Omit<ServedConfig, 'apiBaseUrl'>;
  /** Answers every request under the API's address, preflights included. */
  api: Answer;
  /** Answers for other origins by origin, e.g. Entra ID's sign-in; every origin not named is blocked. */
  origins?: Record<string, Answer>;
}

export interface StubbedApi {
  /** The dashboard's origin (the API's CORS answers name it). */
  origin: string;
  /** The API's base address, ending in /api. */
  apiBase: string;
  context: BrowserContext;
  /** Requests to any other origin, aborted. */
  blocked: string[];
  close(): Promise<void>;
}

export async function startStubbedApi(options: StubbedApiOptions): Promise<StubbedApi> {
  mkdirSync(shots, { recursive: true });
  const apiBase = `http://127.0.0.1:${await freePort()}/api`;
  const dashboard = await serveDashboard({ ...options.dashboard, apiBaseUrl: apiBase });
  const browser = await launchChromium();
  const blocked: string[] = [];
  await browser.context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    const other = options.origins?.[url.origin];
    if (url.origin === dashboard.origin) {
      await route.continue();
    } else if (url.href.startsWith(`${apiBase}/`)) {
      await options.api(route, url);
    } else if (other) {
      await other(route, url);
    } else {
      blocked.push(url.href);
      await route.abort('blockedbyclient');
    }
  });
  return {
    origin: dashboard.origin,
    apiBase,
    context: browser.context,
    blocked,
    close: async () => {
      await browser.close();
      await dashboard.server.close();
    },
  };
}

/** The CORS headers the API sends the dashboard; a file adds what its test looks at (exposed headers). */
export function corsHeaders(origin: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-headers': 'authorization, content-type',
    'access-control-allow-methods': 'GET, POST, DELETE',
    ...extra,
  };
}

export function fulfillJson(route: Route, headers: Record<string, string>, body: unknown, status = 200): Promise<void> {
  return route.fulfill({ status, headers, contentType: 'application/json', body: JSON.stringify(body) });
}

/** A problem+json answer; its status is the answer's. */
export function fulfillProblem(route: Route, headers: Record<string, string>, problem: { status: number } & Record<string, unknown>): Promise<void> {
  return route.fulfill({ status: problem.status, headers, contentType: 'application/problem+json', body: JSON.stringify(problem) });
}

/** GET /api/alerts with nothing pending: the undelivered-alerts banner asks on every page. */
export function noAlerts(): unknown {
  const to = new Date().toISOString();
  return { from: to, to, pending: 0, undelivered: 0, matching: 0, truncated: false, alerts: [] };
}
