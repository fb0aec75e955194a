// @vitest-environment happy-dom
// The whole dashboard with sign-in: config, a fake MSAL and a scripted API. What is on screen when nobody is
// signed in, when the API answers 401 or 403, and which write actions a Reader and an Admin are offered.

import type { AuthenticationResult } from '@azure/msal-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { start as startApp, type AppDependencies, type RunningApp } from '../src/app.ts';
import type { DashboardConfig } from '../src/config.ts';
import { account, FakeMsal, InteractionRequiredAuthError } from './fake-msal.ts';
import { hostileName, target, targetList } from './fixtures.ts';

const apiBaseUrl = 'http://127.0.0.1:9/api';
const auth = { clientId: '11111111-2222-4333-8444-555555555555', tenantId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', scope: 'api://x/access_as_user' };

interface Call {
  method: string;
  url: string;
  authorization: string | null;
}

let calls: Call[];
let respond: (call: Call) => Response;
let root: HTMLElement;
let running: RunningApp[] = [];

async function start(element: HTMLElement, deps: AppDependencies): Promise<RunningApp | null> {
  const app = await startApp(element, deps);
  if (app) {
    running.push(app);
  }

  return app;
}

const json = (body: unknown, status = 200, type = 'application/json'): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type, ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}) } });
const problem = (status: number, title: string): Response => json({ type: 'urn:netpulse:problem:x', title, status, detail: title }, status, 'application/problem+json');

const fakeFetch: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  const call = { method: init?.method ?? 'GET', url: String(input), authorization: headers.get('authorization') };
  calls.push(call);
  return Promise.resolve(respond(call));
};

function dependencies(config: Partial<DashboardConfig>, msal: FakeMsal | null): AppDependencies {
  return {
    loadConfig: () => Promise.resolve({ apiBaseUrl, refreshSeconds: 3600, auth: null, ...config }),
    createMsal: () => (msal ? Promise.resolve(msal) : Promise.reject(new Error('MSAL must not be loaded without "auth"'))),
    fetch: fakeFetch,
  };
}

function signedIn(roles: string[]): FakeMsal {
  const msal = new FakeMsal();
  msal.redirectResult = { account: account(roles) } as AuthenticationResult;
  return msal;
}

/** Sets the route and lets its hashchange event pass before the app starts listening. */
async function route(hash: string): Promise<void> {
  window.location.hash = hash;
  await new Promise((resolve) => setTimeout(resolve, 0));
}

const text = (selector: string): string | null => root.querySelector(selector)?.textContent ?? null;

beforeEach(async () => {
  calls = [];
  respond = () => json(targetList([target(), target({ id: 'home-1.evil', name: hostileName })]));
  await route('#/');
  root = document.createElement('div');
  document.body.replaceChildren(root);
});

afterEach(() => {
  running.forEach((app) => app.stop());
  running = [];
  document.body.replaceChildren();
});

describe('the dashboard without sign-in ("auth": null)', () => {
  it('shows the data with no sign-in UI, no token and no MSAL', async () => {
    const app = await start(root, dependencies({}, null));
    await app?.refreshNow();

    expect(root.querySelectorAll('a.tile')).toHaveLength(2);
    expect(root.querySelector('.sign-in, .user, .sign-out-button')).toBeNull();
    expect(calls[0]?.authorization).toBeNull();
  });
});

describe('the dashboard with sign-in', () => {
  it('shows the sign-in screen and calls no API while nobody is signed in', async () => {
    const msal = new FakeMsal();
    expect(await start(root, dependencies({ auth }, msal))).toBeNull();

    expect(root.querySelector('[data-screen="sign-in"]')).not.toBeNull();
    expect(text('.sign-in h1')).toBe('NetPulse');
    expect(root.querySelector<HTMLElement>('.main-nav')?.hidden).toBe(true);
    expect(root.querySelector('a.tile, .status-bar')).toBeNull();
    expect(calls).toEqual([]);

    root.querySelector<HTMLButtonElement>('.sign-in-button')?.click();
    expect(msal.calls).toContain(`loginRedirect ${auth.scope}`);
  });

  it('shows the user, the roles and Sign out, and sends the token', async () => {
    const msal = signedIn(['Reader']);
    const app = await start(root, dependencies({ auth }, msal));
    await app?.refreshNow();

    expect(text('.user-name')).toBe('Ada Lovelace');
    expect(text('.user-roles')).toBe('Reader');
    expect(root.querySelectorAll('a.tile')).toHaveLength(2);
    expect(calls.every((c) => c.authorization === 'Bearer token-1')).toBe(true);

    root.querySelector<HTMLButtonElement>('.sign-out-button')?.click();
    expect(msal.calls).toContain('logoutRedirect');
  });

  it('takes every figure off the page and shows the sign-in screen when the API answers 401', async () => {
    const app = await start(root, dependencies({ auth }, signedIn(['Reader'])));
    await app?.refreshNow();
    expect(root.querySelectorAll('a.tile')).toHaveLength(2);

    respond = () => problem(401, 'Sign in');
    await app?.refreshNow();

    expect(root.querySelector('[data-screen="sign-in"]')).not.toBeNull();
    expect(text('.sign-in .why')).toContain('Sign in again');
    expect(root.querySelector('a.tile, .tiles, .status-bar, .user')).toBeNull();
    expect(root.textContent).not.toContain(hostileName);
    expect(root.querySelector<HTMLElement>('.main-nav')?.hidden).toBe(true);

    // Stopped: nothing more is asked of the API.
    const before = calls.length;
    await app?.refreshNow();
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    expect(calls).toHaveLength(before);
  });

  it('goes to Microsoft sign-in, data off the page, when no token can be had silently any more', async () => {
    const msal = signedIn(['Reader']);
    const app = await start(root, dependencies({ auth }, msal));
    await app?.refreshNow();
    expect(root.querySelectorAll('a.tile')).toHaveLength(2);

    msal.silent = () => Promise.reject(new InteractionRequiredAuthError());
    await app?.refreshNow();

    expect(msal.calls).toContain(`acquireTokenRedirect ${auth.scope}`);
    expect(root.querySelector('[data-screen="sign-in"]')).not.toBeNull();
    expect(root.querySelector('a.tile')).toBeNull();
  });

  it('fetches a download with the token rather than following the plain link', async () => {
    await route('#/reports/2026-11-26');
    respond = (call) =>
      call.url.endsWith('/reports')
        ? json({ dates: ['2026-11-26'], reports: [] })
        : call.url.endsWith('format=csv')
          ? new Response('target,grade\r\n', { headers: { 'content-disposition': 'attachment; filename="r.csv"' } })
          : call.url.includes('/reports/')
            ? json({ date: '2026-11-26', targets: [] })
            : json(targetList([]));
    const app = await start(root, dependencies({ auth }, signedIn(['Reader'])));
    await app?.refreshNow();
    const saved: string[] = [];
    const original = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      if (this.href.startsWith('blob:')) {
        saved.push(this.download);
      } else {
        original.call(this);
      }
    };
    try {
      const link = [...root.querySelectorAll<HTMLAnchorElement>('a.download')].find((a) => a.textContent === 'report CSV')!;
      const event = new MouseEvent('click', { bubbles: true, cancelable: true });
      link.dispatchEvent(event);
      await new Promise((resolve) => setTimeout(resolve, 20));

      expect(event.defaultPrevented).toBe(true);
      expect(calls.find((c) => c.url.endsWith('format=csv'))?.authorization).toBe('Bearer token-1');
      expect(saved).toEqual(['r.csv']);
    } finally {
      HTMLAnchorElement.prototype.click = original;
    }
  });

  it('shows the no-role screen when the API answers 403 to a read', async () => {
    respond = () => problem(403, 'No role');
    const msal = signedIn([]);
    const app = await start(root, dependencies({ auth }, msal));
    await app?.refreshNow();

    expect(root.querySelector('[data-screen="no-role"]')).not.toBeNull();
    expect(text('[data-screen="no-role"] .why')).toContain('has no NetPulse role (Reader or Admin); ask the owner');
    expect(root.querySelector('a.tile')).toBeNull();
    root.querySelector<HTMLButtonElement>('[data-screen="no-role"] .sign-out-button')?.click();
    expect(msal.calls).toContain('logoutRedirect');
  });

  it('offers the report rebuild to an Admin and not to a Reader', async () => {
    await route('#/reports/2026-11-26');
    respond = (call) => (call.url.endsWith('/reports') ? json({ dates: ['2026-11-26'], reports: [] }) : call.url.includes('/reports/') ? json({ date: '2026-11-26', targets: [] }) : json(targetList([])));

    const reader = await start(root, dependencies({ auth }, signedIn(['Reader'])));
    await reader?.refreshNow();
    expect(root.querySelector('.report')).not.toBeNull();
    expect(root.querySelector('.rebuild-button')).toBeNull();

    root = document.createElement('div');
    document.body.replaceChildren(root);
    const admin = await start(root, dependencies({ auth }, signedIn(['Reader', 'Admin'])));
    await admin?.refreshNow();
    expect(text('.user-roles')).toBe('Reader, Admin');
    expect(root.querySelector('.rebuild-button')).not.toBeNull();
  });

  it('says so beside the button, and keeps the page, when the API refuses a rebuild with 403', async () => {
    await route('#/reports/2026-11-26');
    respond = (call) =>
      call.method === 'POST'
        ? problem(403, 'Needs Admin')
        : call.url.endsWith('/reports')
          ? json({ dates: ['2026-11-26'], reports: [] })
          : call.url.includes('/reports/')
            ? json({ date: '2026-11-26', targets: [] })
            : json(targetList([]));
    const app = await start(root, dependencies({ auth }, signedIn(['Admin'])));
    await app?.refreshNow();

    root.querySelector<HTMLButtonElement>('.rebuild-button')?.click();
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(calls.some((c) => c.method === 'POST' && c.url.endsWith('/reports/2026-11-26/rebuild') && c.authorization === 'Bearer token-1')).toBe(true);
    expect(text('.rebuild-status')).toBe('The API refused: rebuilding a report needs the Admin role.');
    expect(root.querySelector('[data-screen]')).toBeNull();
    expect(root.querySelector('.report')).not.toBeNull();
  });

  it('shows the sign-in screen with the reason when finishing a sign-in fails', async () => {
    const msal = new FakeMsal();
    msal.handleRedirectPromise = () => Promise.reject(Object.assign(new Error('See https://aka.ms/msal.js.errors'), { errorCode: 'state_mismatch' }));
    await start(root, dependencies({ auth }, msal));

    expect(text('.sign-in .error')).toBe('Sign-in did not complete: state_mismatch');
    expect(calls).toEqual([]);
  });
});
