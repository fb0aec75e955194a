// Small API answers for unit tests, shaped as web/API.md says.

import type { Incident, Probe, Series, SeriesPoint, Target, TargetList } from '../src/api.ts';

export const hostileName = '<img src=x onerror=alert(1)>';

export const t0 = new Date('2026-11-27T05:00:00Z');

export function at(secondsAfterT0: number): string {
  return new Date(t0.getTime() + secondsAfterT0 * 1000).toISOString();
}

export function target(overrides: Partial<Target> = {}): Target {
  return {
    id: 'home-1.gw',
    probeId: 'home-1',
    name: 'gateway',
    host: '192.0.2.1',
    category: 'uplink',
    description: 'the ISP router',
    uplink: true,
    intervalMs: 1000,
    status: 'up',
    lastSampleAt: at(0),
    lastRttMs: 1.234,
    loss1hPercent: 0,
    uptime24hPercent: 100,
    latencyThresholdMs: 150,
    lossThresholdPercent: 5,
    sparkline: [
      { t: at(-180), rttMs: 1.1 },
      { t: at(-120), rttMs: 1.3 },
      { t: at(-60), rttMs: null },
      { t: at(0), rttMs: 1.2 },
    ],
    openIncidents: [],
    ...overrides,
  };
}

export function probe(overrides: Partial<Probe> = {}): Probe {
  return { probeId: 'home-1', lastSeenAt: at(-5), silent: false, ...overrides };
}

export function targetList(targets: Target[], probes: Probe[] = [probe()]): TargetList {
  return { generatedAt: at(0), probes, targets };
}

export function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-1',
    probeId: 'home-1',
    targetId: 'home-1.gw',
    targetName: 'gateway',
    type: 'down',
    start: at(-600),
    end: at(-300),
    durationSeconds: 300,
    peakValue: null,
    threshold: null,
    groupedUnderIncidentId: null,
    ...overrides,
  };
}

export function point(secondsAfterT0: number, p50: number | null, overrides: Partial<SeriesPoint> = {}): SeriesPoint {
  return {
    t: at(secondsAfterT0),
    minMs: p50 === null ? null : p50 * 0.8,
    p50Ms: p50,
    maxMs: p50 === null ? null : p50 * 1.5,
    lossPercent: p50 === null ? 100 : 0,
    count: 60,
    ...overrides,
  };
}

export function series(points: SeriesPoint[], from = at(-600), to = at(0), stepSeconds = 60): Series {
  return { target: target(), from, to, resolution: 'minute', stepSeconds, points };
}
