// @vitest-environment happy-dom
// The target page's Share… against a scripted API: it makes a link with the chosen expiry, shows the dashboard address
// with the token once, lists the target's working links, and revokes one.

import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/api.ts';
import type { ShareLink } from '../src/shares.ts';
import { ShareDialog } from '../src/views/share-dialog.ts';

const apiBaseUrl = 'http://127.0.0.1:9/api';
const targetId = 'home-1~Z3c';

function link(overrides: Partial<ShareLink> = {}): ShareLink {
  return {
    id: 'A'.repeat(22), scope: 'target', probeId: 'home-1', targetId, targetName: 'gw', pack: null,
    dataFrom: '2026-11-01T00:00:00Z', createdAt: '2026-11-27T05:00:00Z', createdBy: 'Ana', expiresAt: '2026-11-28T05:00:00Z',
    note: 'ticket 4711', revokedAt: null, revokedBy: null, state: 'active', token: null, ...overrides,
  };
}

afterEach(() => document.body.replaceChildren());

describe('ShareDialog', () => {
  it('makes a link with the chosen expiry, shows its address once, lists it and revokes it', async () => {
    const calls: { method: string; url: string; body: string | null }[] = [];
    let stored: ShareLink[] = [link({ id: 'B'.repeat(22), targetId: 'home-1~bmFz' })];
    const fetch: typeof globalThis.fetch = (input, init) => {
      const call = { method: init?.method ?? 'GET', url: String(input), body: typeof init?.body === 'string' ? init.body : null };
      calls.push(call);
      const answer = (body: unknown, status = 200): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      if (call.method === 'POST') {
        const made = link({ token: 'cGF5bG9hZA.c2ln' });
        stored = [...stored, { ...made, token: null }];
        return Promise.resolve(answer(made, 201));
      }

      if (call.method === 'DELETE') {
        stored = stored.map((l) => (call.url.endsWith(l.id) ? { ...l, state: 'revoked' } : l));
        return Promise.resolve(answer(stored[0]));
      }

      return Promise.resolve(answer({ shares: stored }));
    };
    const dialog = new ShareDialog(new ApiClient({ apiBaseUrl, timeoutMs: 1000, fetch }), targetId, () => 'https://dash.example.org/#/target/home-1~Z3c');
    document.body.append(dialog.element);
    const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

    dialog.element.querySelector<HTMLButtonElement>('.share-button')!.click();
    await settle();
    expect(dialog.element.querySelector('.share-list')?.textContent).toBe('None.');

    dialog.element.querySelector<HTMLSelectElement>('select')!.value = 'P1D';
    dialog.element.querySelector<HTMLInputElement>('input[aria-label="Note"]')!.value = ' ticket 4711 ';
    [...dialog.element.querySelectorAll('button')].find((b) => b.textContent === 'Create link')!.click();
    await settle();
    await settle();

    expect(JSON.parse(calls.find((c) => c.method === 'POST')!.body!)).toEqual({ scope: 'target', target: targetId, expiresIn: 'P1D', note: 'ticket 4711' });
    expect(dialog.element.querySelector<HTMLInputElement>('.share-link')!.value).toBe('https://dash.example.org/#/shared/cGF5bG9hZA.c2ln');
    expect(dialog.element.querySelectorAll('.share-list li')).toHaveLength(1);
    expect(dialog.element.querySelector('.share-list')?.textContent).toContain('ticket 4711');

    dialog.element.querySelector<HTMLButtonElement>('.share-revoke')!.click();
    await settle();
    await settle();

    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([`${apiBaseUrl}/shares/${'A'.repeat(22)}`]);
    expect(dialog.element.querySelector('.share-list')?.textContent).toBe('None.');
  });
});
