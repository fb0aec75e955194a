import { describe, expect, it } from 'vitest';
import { incidentOverlay, rangeWindow, seriesIndex, smokeBand, sparklinePath, toAlignedData, toChartColumns } from '../src/series.ts';
import { at, incident, point, series, t0 } from './fixtures.ts';

const s = (secondsAfterT0: number): number => t0.getTime() / 1000 + secondsAfterT0;

describe('toChartColumns', () => {
  it('gives uPlot one column per series, x in Unix seconds', () => {
    const columns = toChartColumns(
      series([point(-120, 10, { minMs: 8, maxMs: 15 }), point(-60, 12, { minMs: 9, maxMs: 18 }), point(0, 11, { minMs: 10, maxMs: 16 })], at(-120), at(0)),
    );

    expect(columns.x).toEqual([s(-120), s(-60), s(0)]);
    expect(columns.p50).toEqual([10, 12, 11]);
    expect(columns.min).toEqual([8, 9, 10]);
    expect(columns.max).toEqual([15, 18, 16]);
    expect(columns.loss).toEqual([null, null, null]);
  });

  it('leaves a lost point without RTT, so the median line and the smoke break there, and marks its loss', () => {
    const columns = toChartColumns(series([point(-120, 10), point(-60, null), point(0, 11)], at(-120), at(0)));

    expect(columns.p50).toEqual([10, null, 11]);
    expect(columns.min[1]).toBeNull();
    expect(columns.max[1]).toBeNull();
    expect(columns.loss).toEqual([null, 100, null]);
  });

  it('keeps partial loss as a bar while the RTTs of the replies stay drawn', () => {
    const columns = toChartColumns(series([point(-60, 10, { lossPercent: 25, count: 60 }), point(0, 11)], at(-60), at(0)));

    expect(columns.p50).toEqual([10, 11]);
    expect(columns.loss).toEqual([25, null]);
  });

  it('inserts a hole where the probe sent nothing, so no line is drawn across the silence', () => {
    const columns = toChartColumns(series([point(-600, 10), point(-540, 10), point(-120, 12), point(-60, 12), point(0, 12)]));

    expect(columns.x).toEqual([s(-600), s(-540), s(-480), s(-120), s(-60), s(0)]);
    expect(columns.p50).toEqual([10, 10, null, 12, 12, 12]);
    expect(columns.loss[2]).toBeNull();
  });

  it('anchors the x axis to the requested range with empty points at both ends', () => {
    const columns = toChartColumns(series([point(-300, 10)], at(-600), at(0)));

    expect(columns.x).toEqual([s(-600), s(-300), s(0)]);
    expect(columns.p50).toEqual([null, 10, null]);
  });

  it('draws an empty but correctly ranged chart when there are no points', () => {
    const columns = toChartColumns(series([], at(-600), at(0)));

    expect(columns.x).toEqual([s(-600), s(0)]);
    expect(columns.p50).toEqual([null, null]);
  });

  it('sorts points and drops duplicate timestamps, which uPlot cannot draw', () => {
    const columns = toChartColumns(series([point(0, 3), point(-60, 2), point(-60, 9)], at(-60), at(0)));

    expect(columns.x).toEqual([s(-60), s(0)]);
    expect(columns.p50).toEqual([2, 3]);
  });

  it('uses the median for a missing min or max rather than inventing a value', () => {
    const columns = toChartColumns(series([point(0, 5, { minMs: null, maxMs: null })], at(0), at(0)));

    expect(columns.min).toEqual([5]);
    expect(columns.max).toEqual([5]);
  });

  it('clamps odd loss values into 0–100 %', () => {
    const columns = toChartColumns(series([point(-60, 5, { lossPercent: 140 }), point(0, 5, { lossPercent: -3 })], at(-60), at(0)));

    expect(columns.loss).toEqual([100, null]);
  });

  it('orders the aligned data as the chart series are declared', () => {
    const columns = toChartColumns(series([point(0, 5)], at(0), at(0)));
    const data = toAlignedData(columns);

    expect(data[0]).toBe(columns.x);
    expect(data[seriesIndex.min]).toBe(columns.min);
    expect(data[seriesIndex.p50]).toBe(columns.p50);
    expect(data[seriesIndex.max]).toBe(columns.max);
    expect(data[seriesIndex.loss]).toBe(columns.loss);
  });
});

describe('smokeBand', () => {
  it('fills from the max series down to the min series', () => {
    expect(smokeBand.series).toEqual([seriesIndex.max, seriesIndex.min]);
  });
});

describe('incidentOverlay', () => {
  const from = new Date(at(-3600));
  const to = new Date(at(0));
  const now = new Date(at(0));

  it('turns incidents into spans in Unix seconds', () => {
    const ranges = incidentOverlay([incident({ start: at(-600), end: at(-300) })], from, to, now);

    expect(ranges).toEqual([{ id: 'inc-1', type: 'down', start: s(-600), end: s(-300), open: false }]);
  });

  it('runs an open incident up to now', () => {
    const ranges = incidentOverlay([incident({ start: at(-120), end: null, type: 'latency' })], from, to, now);

    expect(ranges).toEqual([{ id: 'inc-1', type: 'latency', start: s(-120), end: s(0), open: true }]);
  });

  it('clips an incident that began before the range to its start', () => {
    const ranges = incidentOverlay([incident({ start: at(-7200), end: at(-3000) })], from, to, now);

    expect(ranges[0]?.start).toBe(s(-3600));
    expect(ranges[0]?.end).toBe(s(-3000));
  });

  it('drops incidents wholly outside the range and ones with unreadable times', () => {
    const ranges = incidentOverlay(
      [incident({ id: 'a', start: at(-9000), end: at(-8000) }), incident({ id: 'b', start: 'not a time' }), incident({ id: 'c', start: at(60), end: null })],
      from,
      to,
      now,
    );

    expect(ranges).toEqual([]);
  });

  it('sorts spans by start', () => {
    const ranges = incidentOverlay([incident({ id: 'late', start: at(-100), end: at(-50) }), incident({ id: 'early', start: at(-1000), end: at(-900) })], from, to, now);

    expect(ranges.map((r) => r.id)).toEqual(['early', 'late']);
  });
});

describe('sparklinePath', () => {
  it('draws one sub-path per run of answered minutes and marks the lost ones', () => {
    const { d, lost } = sparklinePath(
      [
        { t: at(0), rttMs: 10 },
        { t: at(60), rttMs: 20 },
        { t: at(120), rttMs: null },
        { t: at(180), rttMs: 10 },
      ],
      120,
      28,
    );

    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(1);
    expect(lost).toEqual([80]);
  });

  it('puts the highest RTT at the top and the lowest at the bottom', () => {
    const { d } = sparklinePath(
      [
        { t: at(0), rttMs: 10 },
        { t: at(60), rttMs: 20 },
      ],
      100,
      20,
    );
    const ys = [...d.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));

    expect(ys[0]).toBeGreaterThan(ys[1]!);
  });

  it('is empty for no points and for points without times', () => {
    expect(sparklinePath([], 120, 28)).toEqual({ d: '', lost: [] });
    expect(sparklinePath([{ t: 'nope', rttMs: 3 }], 120, 28)).toEqual({ d: '', lost: [] });
  });

  it('places a single point mid-width and a flat line mid-height', () => {
    const { d } = sparklinePath([{ t: at(0), rttMs: 5 }], 120, 28);

    expect(d).toBe('M60 14');
  });
});

describe('rangeWindow', () => {
  it('ends now and reaches back the range', () => {
    const now = new Date(at(0));
    const { from, to } = rangeWindow('7d', now);

    expect(to).toBe(now);
    expect(now.getTime() - from.getTime()).toBe(7 * 86_400_000);
  });
});
