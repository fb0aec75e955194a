import { describe, expect, it } from 'vitest';
import { gradeClass, readReport } from '../src/report.ts';
import { hostileName } from './fixtures.ts';

describe('readReport', () => {
  it('reads a flat per-target body', () => {
    const report = readReport({
      date: '2026-11-26',
      timeZone: 'Europe/Berlin',
      from: '2026-11-25T23:00:00Z',
      to: '2026-11-26T23:00:00Z',
      targets: [{ targetId: 'p.gw', name: 'gateway', grade: 'A', uptimePercent: 99.99, p50Ms: 1.2, p95Ms: 3.4, lossPercent: 0.01, incidentCount: 0, recommendations: ['all good'] }],
    });

    expect(report.rows).toEqual([
      {
        name: 'gateway',
        targetId: 'p.gw',
        probeId: null,
        grade: 'A',
        gradeReason: null,
        uptimePercent: 99.99,
        p50Ms: 1.2,
        p95Ms: 3.4,
        lossPercent: 0.01,
        incidents: 0,
        downtimeSeconds: null,
        plannedDowntimeSeconds: null,
        recommendations: ['all good'],
      },
    ]);
    expect(report.facts).toEqual([
      { label: 'Date', text: '2026-11-26' },
      { label: 'Time zone', text: 'Europe/Berlin' },
      { label: 'From', text: '2026-11-25T23:00:00Z' },
      { label: 'To', text: '2026-11-26T23:00:00Z' },
    ]);
    expect(report.from).toBe('2026-11-25T23:00:00Z');
  });

  it("reads the shape of NetPulse's own daily report (issue 5)", () => {
    const report = readReport({
      date: '2026-11-26',
      timeZone: 'Europe/Berlin',
      from: '2026-11-25T23:00:00Z',
      to: '2026-11-26T23:00:00Z',
      grades: { a: 1, b: 0, c: 0, d: 0, f: 0, ungraded: 0 },
      targets: [
        {
          probeId: 'home-1',
          targetName: 'gateway',
          settings: { name: 'gateway', host: '192.0.2.1', category: null, description: null, uplink: true, intervalMs: 1000, latencyThresholdMs: null, lossThresholdPercent: null },
          latencyThresholdMs: 100,
          lossThresholdPercent: 5,
          statistics: { count: 86400, successes: 85968, failures: 432, lossPercent: 0.5, minMs: 0.9, avgMs: 1.2, maxMs: 30, p50Ms: 1.1, p95Ms: 2.2, p99Ms: 4.5, jitterMs: 0.1 },
          uptimePercent: 99.5,
          lossWhileUpPercent: 0,
          incidentCount: 2,
          downtimeSeconds: 432,
          plannedDowntimeSeconds: 3600,
          grade: 'B',
          gradeReason: 'uptime below 99.9 %',
          recommendations: ['evening latency peaks'],
          incidents: [{}, {}],
          hours: [{ localStart: '2026-11-26T00:00:00+01:00', statistics: { count: 3600, successes: 3600, failures: 0, lossPercent: 0, p50Ms: 9 } }],
        },
        {
          probeId: 'home-1',
          targetName: 'quiet',
          settings: { name: 'quiet', host: '192.0.2.9', category: null, description: null, uplink: false, intervalMs: 1000, latencyThresholdMs: null, lossThresholdPercent: null },
          statistics: { count: 0, successes: 0, failures: 0, lossPercent: null, minMs: null, avgMs: null, maxMs: null, p50Ms: null, p95Ms: null, p99Ms: null, jitterMs: null },
          uptimePercent: null,
          incidentCount: 1,
          grade: null,
        },
      ],
    });

    expect(report.rows[1]).toMatchObject({ name: 'quiet', grade: null, uptimePercent: null, p50Ms: null, p95Ms: null, lossPercent: null, incidents: 1 });
    expect(report.rows[0]).toEqual({
      name: 'gateway',
      targetId: null,
      probeId: 'home-1',
      grade: 'B',
      gradeReason: 'uptime below 99.9 %',
      uptimePercent: 99.5,
      p50Ms: 1.1,
      p95Ms: 2.2,
      lossPercent: 0.5,
      incidents: 2,
      downtimeSeconds: 432,
      plannedDowntimeSeconds: 3600,
      recommendations: ['evening latency peaks'],
    });
  });

  it('reads nested and differently named fields', () => {
    const report = readReport({
      rows: [{ target: { id: 'p.dns', name: 'dns' }, Grade: 'C', uptime: { percent: 97.5 }, rtt: { p50Ms: 12, p95Ms: 40 }, loss: 2, incidents: [{}, {}] }],
    });

    expect(report.rows[0]).toMatchObject({ name: 'dns', targetId: 'p.dns', grade: 'C', uptimePercent: 97.5, p50Ms: 12, p95Ms: 40, lossPercent: 2, incidents: 2 });
  });

  it('finds the rows under an unknown key by their names', () => {
    const report = readReport({ perTarget: [{ targetName: 'x' }] });

    expect(report.rows.map((r) => r.name)).toEqual(['x']);
  });

  it('tolerates missing fields, wrong types and bodies that are not objects', () => {
    const empty = {
      targetId: null,
      probeId: null,
      grade: null,
      gradeReason: null,
      uptimePercent: null,
      p50Ms: null,
      p95Ms: null,
      lossPercent: null,
      incidents: null,
      downtimeSeconds: null,
      plannedDowntimeSeconds: null,
      recommendations: [],
    };
    const report = readReport({ targets: [{ name: 'bare' }, 'junk', { name: 7, grade: { letter: 'A' }, uptimePercent: 'high' }] });

    expect(report.rows).toEqual([
      { name: 'bare', ...empty },
      { name: '(unnamed)', ...empty },
    ]);
    expect(readReport(null).rows).toEqual([]);
    expect(readReport([1, 2]).rows).toEqual([]);
    expect(readReport('text').facts).toEqual([]);
  });

  it('passes hostile names through as plain data (the page escapes them)', () => {
    expect(readReport({ targets: [{ name: hostileName }] }).rows[0]?.name).toBe(hostileName);
  });
});

describe('gradeClass', () => {
  it('maps A–F grades to a class and anything else to the plain one', () => {
    expect(gradeClass('A')).toBe('grade grade-a');
    expect(gradeClass('b+')).toBe('grade grade-b');
    expect(gradeClass('F')).toBe('grade grade-f');
    expect(gradeClass('Z')).toBe('grade');
    expect(gradeClass('" onmouseover="x')).toBe('grade');
    expect(gradeClass(null)).toBe('grade');
  });
});

describe('readReport alert counts', () => {
  it('shows how many of the day’s alerts were not delivered or still retried', () => {
    const report = readReport({ date: '2026-11-26', targets: [], undeliveredAlerts: 3, pendingAlerts: 1 });

    expect(report.facts).toEqual([
      { label: 'Date', text: '2026-11-26' },
      { label: 'Alerts not delivered', text: '3' },
      { label: 'Alerts still retried', text: '1' },
    ]);
  });
});
