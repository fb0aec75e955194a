// @vitest-environment happy-dom
// The fleet page and the probe naming: which probes are flagged and why, hostile text from probes stays text,
// "lab-03 @ site" only where a name is ambiguous, and the compare chart's columns.

import { describe, expect, it } from 'vitest';
import type { ApiClient, FleetProbe, Probe, Target } from '../src/api.ts';
import { comparablePeers, compareData } from '../src/compare.ts';
import { ambiguousNames, labeller, targetLabel } from '../src/labels.ts';
import { parseRoute, routeHref } from '../src/router.ts';
import type { ViewContext } from '../src/views/context.ts';
import { clockText, FleetView, fleetFlags, spoolText } from '../src/views/fleet.ts';

const now = new Date('2026-03-02T10:00:00.000Z');

function probe(overrides: Partial<FleetProbe> = {}): FleetProbe {
  return {
    id: 'lab-01',
    keyId: '0123456789abcdef',
    publicKey: 'MFkw',
    registeredAt: '2026-03-01T00:00:00Z',
    revokedAt: null,
    state: 'reporting',
    site: 'office-berlin',
    softwareVersion: '1.4.0',
    lastSeenAt: '2026-03-02T09:59:50Z',
    lastBatchAt: '2026-03-02T09:59:50Z',
    lastSampleAt: '2026-03-02T09:59:48Z',
    targetCount: 4,
    spoolDepth: 0,
    oldestUnsentAt: null,
    icmpEngine: 'raw-socket',
    icmpPath: 'raw',
    clockOffsetMs: 120,
    targetListVersion: null,
    silentSince: null,
    retiredAt: null,
    ...overrides,
  };
}

function target(probeId: string, name: string, host = '10.200.0.1'): Target {
  return { id: `${probeId}~${name}`, probeId, name, host } as Target;
}

function context(canWrite: boolean, calls: string[] = []): ViewContext {
  const api = {
    retireProbe: (id: string, retire: boolean) => {
      calls.push(`${retire ? 'retire' : 'unretire'} ${id}`);
      return Promise.resolve({ id, retired: retire });
    },
  } as unknown as ApiClient;
  return { api, now: () => now, refreshNow: () => calls.push('refresh'), canWrite };
}

describe('fleetFlags', () => {
  it('flags nothing about a healthy probe on the raw path', () => {
    expect(fleetFlags(probe(), now)).toEqual([]);
  });

  it('flags silent, a clock over 2 s off, a backlog and a fallback path', () => {
    expect(fleetFlags(probe({ state: 'silent', clockOffsetMs: -2500, spoolDepth: 3, icmpPath: 'fallback' }), now)).toEqual(['silent', 'clock', 'backlog', 'fallback']);
  });

  it('calls a probe unheard for over 5 min stale, and a clock of exactly 2 s fine', () => {
    expect(fleetFlags(probe({ lastSeenAt: '2026-03-02T09:54:00Z', clockOffsetMs: 2000 }), now)).toEqual(['stale']);
  });

  it('flags nothing about a retired or revoked probe', () => {
    expect(fleetFlags(probe({ state: 'retired', spoolDepth: 9 }), now)).toEqual([]);
    expect(fleetFlags(probe({ state: 'revoked', lastSeenAt: null }), now)).toEqual([]);
  });

  it('writes clock and spool for people', () => {
    expect(clockText(2400)).toBe('+2.4 s');
    expect(clockText(-300)).toBe('-0.3 s');
    expect(clockText(null)).toBe('—');
    expect(spoolText(probe({ spoolDepth: 2, oldestUnsentAt: '2026-03-02T09:55:00Z' }), now)).toBe('2 waiting, oldest 5 min old');
    expect(spoolText(probe({ spoolDepth: null }), now)).toBe('—');
  });
});

describe('FleetView', () => {
  it('renders hostile site and version as text, one row per probe, flagged ones marked', () => {
    const view = new FleetView(context(false));
    view.show(
      {
        generatedAt: now.toISOString(),
        probes: [probe({ site: '<img src=x onerror=alert(1)>', softwareVersion: '<b>1</b>' }), probe({ id: 'lab-02', state: 'silent', clockOffsetMs: 5000 })],
      },
      now,
    );

    const rows = view.element.querySelectorAll('tr[data-probe-id]');
    expect(rows).toHaveLength(2);
    expect(view.element.querySelector('img')).toBeNull();
    expect(view.element.querySelector('b')).toBeNull();
    expect(rows[0]!.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(rows[1]!.className).toContain('flagged-silent');
    expect(rows[1]!.className).toContain('flagged-clock');
    expect(view.element.querySelector('.retire-probe')).toBeNull();
  });

  it('offers Retire to an Admin and calls the API', async () => {
    const calls: string[] = [];
    const view = new FleetView(context(true, calls));
    view.show({ generatedAt: now.toISOString(), probes: [probe(), probe({ id: 'lab-02', state: 'retired' })] }, now);

    const buttons = [...view.element.querySelectorAll<HTMLButtonElement>('.retire-probe')];
    expect(buttons.map((b) => b.textContent)).toEqual(['Retire', 'Bring back']);
    buttons[0]!.click();
    buttons[1]!.click();
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toEqual(['retire lab-01', 'unretire lab-02', 'refresh', 'refresh']);
  });

  it('has its own route', () => {
    expect(parseRoute('#/fleet')).toEqual({ page: 'fleet' });
    expect(routeHref({ page: 'fleet' })).toBe('#/fleet');
  });
});

describe('labels', () => {
  const probes: Probe[] = [
    { probeId: 'lab-01', lastSeenAt: null, silent: false, site: 'office-berlin' },
    { probeId: 'lab-02', lastSeenAt: null, silent: false, site: null },
  ];

  it('names the probe only where a target name is ambiguous: its site, else its id', () => {
    const label = labeller({ probes, targets: [target('lab-01', 'lab-03'), target('lab-02', 'lab-03'), target('lab-01', 'gateway')] });

    expect(label('lab-01', 'lab-03')).toBe('lab-03 @ office-berlin');
    expect(label('lab-02', 'lab-03')).toBe('lab-03 @ lab-02');
    expect(label('lab-01', 'gateway')).toBe('gateway');
  });

  it('is the backend format, text in and text out', () => {
    expect(targetLabel('<b>x</b>', 'lab-01', '<i>site</i>', true)).toBe('<b>x</b> @ <i>site</i>');
    expect(targetLabel('x', 'lab-01', '  ', true)).toBe('x @ lab-01');
    expect([...ambiguousNames([target('a', 'n'), target('a', 'n')])]).toEqual([]);
  });
});

describe('compare', () => {
  it('finds other probes watching the same host or name', () => {
    const self = target('lab-01', 'gw', '10.200.0.1');
    const all = [self, target('lab-02', 'gateway', '10.200.0.1'), target('lab-03', 'gw', '10.200.0.9'), target('lab-01', 'other', '10.200.0.1'), target('lab-04', 'x', '10.200.0.2')];

    expect(comparablePeers(self, all).map((t) => t.id)).toEqual(['lab-02~gateway', 'lab-03~gw']);
  });

  it('aligns every probe on one x, medians first, then losses', () => {
    const series = (points: { t: string; p50Ms: number | null; lossPercent: number }[]) => ({
      from: '2026-03-02T10:00:00Z',
      to: '2026-03-02T10:00:02Z',
      stepSeconds: 1,
      points: points.map((p) => ({ ...p, count: 1, minMs: p.p50Ms, maxMs: p.p50Ms })),
    });
    const data = compareData([
      { label: 'a', series: series([{ t: '2026-03-02T10:00:00Z', p50Ms: 10, lossPercent: 0 }, { t: '2026-03-02T10:00:01Z', p50Ms: 11, lossPercent: 0 }, { t: '2026-03-02T10:00:02Z', p50Ms: 12, lossPercent: 0 }]) },
      { label: 'b', series: series([{ t: '2026-03-02T10:00:01Z', p50Ms: 30, lossPercent: 50 }, { t: '2026-03-02T10:00:02Z', p50Ms: 31, lossPercent: 0 }]) },
    ]);

    const x0 = Date.parse('2026-03-02T10:00:00Z') / 1000;
    expect(data[0]).toEqual([x0, x0 + 1, x0 + 2]);
    expect(data[1]).toEqual([10, 11, 12]);
    expect(data[2]).toEqual([null, 30, 31]);
    expect(data[4]).toEqual([null, 50, null]);
  });
});

describe('IncidentTable names', () => {
  it('names the probe of an ambiguous target, as text', async () => {
    const { IncidentTable } = await import('../src/views/incident-table.ts');
    const { incident } = await import('./fixtures.ts');
    const table = new IncidentTable({ showTarget: true, emptyText: 'none' });
    const label = labeller({
      probes: [{ probeId: 'lab-01', lastSeenAt: null, silent: false, site: '<script>x</script>' }],
      targets: [target('lab-01', 'lab-03'), target('lab-02', 'lab-03')],
    });

    table.update([incident({ id: 'i1', probeId: 'lab-01', targetName: 'lab-03' })], now, label);

    expect(table.element.querySelector('.target-name')!.textContent).toBe('lab-03 @ <script>x</script>');
    expect(table.element.querySelector('script')).toBeNull();
  });
});
