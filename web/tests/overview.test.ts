// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../src/api.ts';
import { OverviewView } from '../src/views/overview.ts';
import type { ViewContext } from '../src/views/context.ts';
import { at, hostileName, incident, probe, target, targetList } from './fixtures.ts';

const now = new Date(at(0));

function view(): OverviewView {
  const context: ViewContext = {
    api: new ApiClient({ apiBaseUrl: 'http://127.0.0.1:9/api', timeoutMs: 100 }),
    now: () => now,
    refreshNow: () => {},
    canWrite: true,
  };
  return new OverviewView(context);
}

const tiles = (v: OverviewView): HTMLAnchorElement[] => [...v.element.querySelectorAll<HTMLAnchorElement>('a.tile')];

describe('OverviewView', () => {
  it('renders one tile per target, grouped by category, hostile text shown literally', () => {
    const v = view();
    v.render(
      targetList([
        target(),
        target({ id: 'home-1.evil', name: hostileName, host: '<b>host</b>', uplink: false, category: '<script>alert(1)</script>', description: hostileName }),
      ]),
      now,
    );

    expect(tiles(v)).toHaveLength(2);
    const evil = v.element.querySelector<HTMLAnchorElement>('[data-target-id="home-1.evil"]')!;
    expect(evil.querySelector('.name')?.textContent).toBe(hostileName);
    expect(evil.querySelector('.host')?.textContent).toBe('<b>host</b>');
    expect(evil.getAttribute('title')).toBe(hostileName);
    expect(evil.getAttribute('href')).toBe('#/target/home-1.evil');
    expect([...v.element.querySelectorAll('.group h2')].map((e) => e.firstChild?.textContent)).toEqual(['<script>alert(1)</script>', 'uplink']);
    expect(v.element.querySelector('img, script, b')).toBeNull();
  });

  it('shows status, RTT, loss, uptime and a sparkline with the lost minute marked', () => {
    const v = view();
    v.render(targetList([target({ status: 'down', lastRttMs: null, loss1hPercent: 100, uptime24hPercent: 97.5, openIncidents: [incident({ end: null, start: at(-90) })] })]), now);

    const tile = tiles(v)[0]!;
    expect(tile.className).toContain('status-down');
    expect(tile.querySelector('.badge')?.textContent).toBe('Down');
    expect([...tile.querySelectorAll('dd')].map((d) => d.textContent)).toEqual(['–', '100.0 %', '97.50 %']);
    expect(tile.querySelector('.reason')?.textContent).toBe('Down for 1 min 30 s');
    expect(tile.querySelector('.spark-line')?.getAttribute('d')).toMatch(/^M/);
    expect(tile.querySelectorAll('.spark-lost rect')).toHaveLength(1);
  });

  it('updates tiles in place on refresh: the same nodes, new text (no flicker)', () => {
    const v = view();
    v.render(targetList([target(), target({ id: 'b', name: 'b-host', category: 'uplink' })]), now);
    const before = tiles(v);
    const gateway = v.element.querySelector<HTMLElement>('[data-target-id="home-1.gw"]')!;
    const nameNode = gateway.querySelector('.name')!;

    v.render(targetList([target({ lastRttMs: 9.5, status: 'degraded' }), target({ id: 'b', name: 'b-host', category: 'uplink' })]), now);

    const after = tiles(v);
    expect(after).toEqual(before);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toBe(before[1]);
    expect(v.element.querySelector('[data-target-id="home-1.gw"]')).toBe(gateway);
    expect(gateway.querySelector('.name')).toBe(nameNode);
    expect(gateway.querySelector('dd')?.textContent).toBe('9.50 ms');
    expect(gateway.className).toContain('status-degraded');
  });

  it('adds, moves and removes tiles and groups as targets come and go', () => {
    const v = view();
    v.render(targetList([target({ id: 'a', name: 'a' }), target({ id: 'z', name: 'z', category: 'servers' })]), now);
    const kept = v.element.querySelector('[data-target-id="a"]');

    v.render(targetList([target({ id: 'a', name: 'a' }), target({ id: 'c', name: '0-first' })]), now);

    expect(tiles(v).map((t) => t.dataset['targetId'])).toEqual(['c', 'a']);
    expect(v.element.querySelector('[data-target-id="a"]')).toBe(kept);
    expect([...v.element.querySelectorAll('.group h2')].map((e) => e.firstChild?.textContent)).toEqual(['uplink']);
  });

  it("shows each probe's last-seen time and warns when one is silent", () => {
    const v = view();
    v.render(targetList([target()], [probe({ lastSeenAt: at(-4) }), probe({ probeId: 'branch-2', lastSeenAt: at(-900), silent: true })]), now);

    const probes = [...v.element.querySelectorAll('.probe')];
    expect(probes.map((p) => p.textContent)).toEqual(['⚠ probe branch-2 silent — last seen 15 min ago', 'probe home-1 last seen 4 s ago']);
    expect(probes[0]?.className).toContain('probe-silent');
    expect(probes[1]?.className).not.toContain('probe-silent');

    v.tick(new Date(now.getTime() + 10_000));
    expect(v.element.querySelectorAll('.probe')[1]?.textContent).toBe('probe home-1 last seen 14 s ago');
  });

  it('says so when there are no targets', () => {
    const v = view();
    v.render(targetList([], []), now);

    expect(v.element.querySelector<HTMLElement>('.empty')?.hidden).toBe(false);
    expect(tiles(v)).toHaveLength(0);
  });
});
