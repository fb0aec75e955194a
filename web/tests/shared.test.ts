// @vitest-environment happy-dom
// The page behind a share link: its model, and the whole dashboard opened at #/shared/<token> with sign-in
// configured: no sign-in, no other API route, no way to other targets, no admin buttons; an expired link says so.

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { start, type RunningApp } from '../src/app.ts';
import { activeLinksOf, sharedPageModel, shareUrl, type ShareLink, type SharedView } from '../src/shares.ts';
import { hostileName, incident, point, series, t0, target } from './fixtures.ts';

const apiBaseUrl = 'http://127.0.0.1:9/api';
const auth = { clientId: '11111111-2222-4333-8444-555555555555', tenantId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', scope: 'api://x/access_as_user' };
const token = 'cGF5bG9hZA.c2lnbmF0dXJl';

function view(overrides: Partial<SharedView> = {}): SharedView {
  return {
    scope: 'target',
    probeId: 'home-1',
    site: 'Flat 3',
    dataFrom: new Date(t0.getTime() - 3 * 3600_000).toISOString(),
    expiresAt: '2026-12-04T05:00:00Z',
    target: target({ name: hostileName, host: '192.0.2.1' }),
    pack: null,
    ...overrides,
  };
}

function link(overrides: Partial<ShareLink>): ShareLink {
  return {
    id: 'a'.repeat(22),
    scope: 'target',
    probeId: 'home-1',
    targetId: 'home-1~Z3c',
    targetName: 'gw',
    pack: null,
    dataFrom: '2026-11-01T00:00:00Z',
    createdAt: '2026-11-27T05:00:00Z',
    createdBy: 'Ana',
    expiresAt: '2026-12-04T05:00:00Z',
    note: null,
    revokedAt: null,
    revokedBy: null,
    state: 'active',
    token: null,
    ...overrides,
  };
}

describe('sharedPageModel', () => {
  it('names the target, its host, probe and site, and charts the range but never before the link’s data', () => {
    const model = sharedPageModel(view(), t0, 86_400, (f) => `files/${f}`);

    expect(model.title).toBe(hostileName);
    expect(model.subtitle).toBe('192.0.2.1 · probe home-1 · Flat 3');
    expect(model.window).toEqual({ from: new Date(t0.getTime() - 3 * 3600_000), to: t0 });
    expect(model.files).toEqual([]);
    expect(sharedPageModel(view(), t0, 3600, (f) => f).window).toEqual({ from: new Date(t0.getTime() - 3600_000), to: t0 });
  });

  it('lists a pack’s files as download links and draws no chart', () => {
    const model = sharedPageModel(
      view({ scope: 'pack', target: null, site: null, pack: { kind: 'week', period: '2026-W48', files: ['pack.pdf', 'targets.csv'] } }),
      t0,
      86_400,
      (f) => `${apiBaseUrl}/shared/${token}/files/${f}`,
    );

    expect(model.title).toBe('Evidence pack 2026-W48 (week)');
    expect(model.subtitle).toBe('probe home-1');
    expect(model.window).toBeNull();
    expect(model.files.map((f) => f.href)).toEqual([`${apiBaseUrl}/shared/${token}/files/pack.pdf`, `${apiBaseUrl}/shared/${token}/files/targets.csv`]);
  });

  it('makes the link from the page’s own address and keeps only a target’s working links', () => {
    expect(shareUrl('https://dash.example.org/?x=1#/target/home-1~Z3c', token)).toBe(`https://dash.example.org/?x=1#/shared/${token}`);
    const links = [
      link({ id: 'old', createdAt: '2026-11-20T00:00:00Z' }),
      link({ id: 'new', createdAt: '2026-11-26T00:00:00Z' }),
      link({ id: 'revoked', state: 'revoked' }),
      link({ id: 'expired', state: 'expired' }),
      link({ id: 'other', targetId: 'home-1~bmFz' }),
    ];
    expect(activeLinksOf(links, 'home-1~Z3c').map((l) => l.id)).toEqual(['new', 'old']);
  });
});

describe('the dashboard opened at a share link', () => {
  let calls: string[];
  let respond: (url: string) => Response;
  let root: HTMLElement;
  let app: RunningApp | null = null;
  const json = (body: unknown, status = 200): Response =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': status === 200 ? 'application/json' : 'application/problem+json' } });

  beforeAll(() => {
    // happy-dom has no canvas; the chart draws into a context that accepts everything and draws nothing.
    const nothing: unknown = new Proxy(function () {}, { get: (_t, p) => (p === 'width' ? 0 : nothing), apply: () => nothing, set: () => true });
    HTMLCanvasElement.prototype.getContext = (() => nothing) as unknown as typeof HTMLCanvasElement.prototype.getContext;
    (globalThis as Record<string, unknown>)['Path2D'] ??= function Path2D() {
      return nothing;
    };
  });

  beforeEach(async () => {
    calls = [];
    window.location.hash = `#/shared/${token}`;
    await new Promise((resolve) => setTimeout(resolve, 0));
    root = document.createElement('div');
    document.body.replaceChildren(root);
    respond = (url) => {
      if (url.includes('/series')) return json(series([point(-120, 12), point(-60, 14)], new Date(t0.getTime() - 600_000).toISOString(), t0.toISOString()));
      if (url.includes('/incidents')) return json({ incidents: [incident()] });
      return json(view());
    };
  });

  afterEach(() => {
    app?.stop();
    app = null;
    document.body.replaceChildren();
  });

  const startShared = async (): Promise<void> => {
    app = await start(root, {
      loadConfig: () => Promise.resolve({ apiBaseUrl, refreshSeconds: 3600, auth }),
      createMsal: () => Promise.reject(new Error('a share link must not start sign-in')),
      fetch: (input) => {
        calls.push(String(input));
        return Promise.resolve(respond(String(input)));
      },
    });
    await app?.refreshNow();
  };

  it('shows the target without sign-in, calling only the link’s routes, with no way to other targets or admin buttons', async () => {
    await startShared();

    expect(app).not.toBeNull();
    expect(root.querySelector('h1')?.textContent).toBe(hostileName);
    expect(root.querySelector('.host')?.textContent).toContain('Flat 3');
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.every((url) => url.startsWith(`${apiBaseUrl}/shared/${token}`))).toBe(true);
    expect(root.querySelector('.main-nav, .sign-in, .share-button, .mute-button, .retire-target')).toBeNull();
    // The incident rows keep their (hidden) acknowledge button; none may show.
    expect(root.querySelector('.ack-button:not([hidden])')).toBeNull();
    expect([...root.querySelectorAll('a')].filter((a) => (a.getAttribute('href') ?? '').startsWith('#/'))).toEqual([]);
    expect(root.querySelectorAll('.incident-table tbody tr, table tbody tr').length).toBeGreaterThan(0);
  });

  it('says the link expired, and shows nothing of the target, when the API answers 410', async () => {
    respond = () => json({ type: 'urn:netpulse:problem:share-link-expired', title: 'Share link expired', status: 410, detail: 'this share link expired at 2026-11-20T00:00:00Z', parameter: 'token' }, 410);

    await startShared();

    expect(root.querySelector('.error')?.textContent).toContain('expired');
    expect(root.querySelector<HTMLElement>('.page.shared > div')?.hidden).toBe(true);
    expect(calls).toEqual([`${apiBaseUrl}/shared/${token}`]);
  });
});
