// API series -> the column arrays uPlot draws. Pure functions: everything here is unit-tested.

import type { Incident, Series, SeriesPoint, SparkPoint } from './api.ts';
import { parseTime } from './format.ts';
import type { IncidentType } from './incidentTypes.ts';

/**
 * uPlot's columns: x in Unix seconds, then min, p50, max RTT in ms and loss in percent.
 * A null breaks the line: a round with no reply has no RTT, and a stretch with no samples at all
 * (the probe was off) must show as a hole rather than a straight line across it.
 */
export interface ChartColumns {
  x: number[];
  min: (number | null)[];
  p50: (number | null)[];
  max: (number | null)[];
  /** Only points with loss carry a value, so only they draw a bar. */
  loss: (number | null)[];
}

export const seriesIndex = { min: 1, p50: 2, max: 3, loss: 4 } as const;

/** A gap longer than this many steps between two points is a hole in the data. */
const gapSteps = 1.5;

export function toChartColumns(series: Pick<Series, 'from' | 'to' | 'stepSeconds' | 'points'>): ChartColumns {
  const columns: ChartColumns = { x: [], min: [], p50: [], max: [], loss: [] };
  const step = series.stepSeconds > 0 ? series.stepSeconds : 60;
  const from = seconds(series.from);
  const to = seconds(series.to);

  const points = series.points
    .map((point) => ({ point, t: seconds(point.t) }))
    .filter((p): p is { point: SeriesPoint; t: number } => p.t !== null)
    .sort((a, b) => a.t - b.t);

  const pushHole = (t: number): void => {
    columns.x.push(t);
    columns.min.push(null);
    columns.p50.push(null);
    columns.max.push(null);
    columns.loss.push(null);
  };

  // Anchor the x axis to the asked range, so an hour with ten minutes of data draws ten minutes, not an hour.
  if (from !== null && (points.length === 0 || points[0]!.t - from > step * gapSteps)) {
    pushHole(from);
  }

  let previous: number | null = null;
  for (const { point, t } of points) {
    if (previous !== null && t === previous) {
      continue; // a duplicate timestamp would make uPlot's x non-monotonic
    }

    if (previous !== null && t - previous > step * gapSteps) {
      pushHole(previous + step);
    }

    const answered = point.count > 0 && point.p50Ms !== null;
    columns.x.push(t);
    columns.p50.push(answered ? point.p50Ms : null);
    columns.min.push(answered ? (point.minMs ?? point.p50Ms) : null);
    columns.max.push(answered ? (point.maxMs ?? point.p50Ms) : null);
    const loss = clampPercent(point.lossPercent);
    columns.loss.push(loss > 0 ? loss : null);
    previous = t;
  }

  if (to !== null) {
    const last = columns.x.at(-1);
    const tailIsHole = previous === null ? last === undefined || to > last : to - previous > step * gapSteps;
    if (tailIsHole) {
      pushHole(to);
    }
  }

  return columns;
}

/** uPlot.AlignedData, in the order of seriesIndex. */
export function toAlignedData(columns: ChartColumns): [number[], ...(number | null)[][]] {
  return [columns.x, columns.min, columns.p50, columns.max, columns.loss];
}

/** The smoke: uPlot fills between max (upper) and min (lower). */
export const smokeBand = { series: [seriesIndex.max, seriesIndex.min] as [number, number] };

export interface OverlayRange {
  id: string;
  type: IncidentType;
  /** Unix seconds, clipped to the chart's range. */
  start: number;
  end: number;
  open: boolean;
}

/**
 * Incidents as shaded spans on the chart: clipped to [from, to]; an open incident runs to `now`
 * (or the range's end, if earlier). Incidents wholly outside the range are dropped.
 */
export function incidentOverlay(incidents: readonly Incident[], from: Date, to: Date, now: Date): OverlayRange[] {
  const lo = from.getTime() / 1000;
  const hi = to.getTime() / 1000;
  const nowS = now.getTime() / 1000;
  const ranges: OverlayRange[] = [];
  for (const incident of incidents) {
    const start = seconds(incident.start);
    if (start === null) {
      continue;
    }

    const open = incident.end === null;
    const end = open ? Math.min(nowS, hi) : seconds(incident.end);
    if (end === null || end < lo || start > hi) {
      continue;
    }

    const clippedStart = Math.max(start, lo);
    const clippedEnd = Math.min(Math.max(end, clippedStart), hi);
    ranges.push({ id: incident.id, type: incident.type, start: clippedStart, end: clippedEnd, open });
  }

  return ranges.sort((a, b) => a.start - b.start);
}

/**
 * The sparkline as an SVG path: one "M" per run of answered minutes, so a lost minute is a visible gap.
 * y is scaled between the lowest and highest RTT shown, with a floor so a flat line sits mid-height.
 */
export function sparklinePath(points: readonly SparkPoint[], width: number, height: number): { d: string; lost: number[] } {
  const parsed = points
    .map((p) => ({ t: seconds(p.t), v: p.rttMs }))
    .filter((p): p is { t: number; v: number | null } => p.t !== null)
    .sort((a, b) => a.t - b.t);
  if (parsed.length === 0) {
    return { d: '', lost: [] };
  }

  const t0 = parsed[0]!.t;
  const t1 = parsed[parsed.length - 1]!.t;
  const values = parsed.map((p) => p.v).filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const span = Math.max(hi - lo, hi * 0.2, 0.001);
  const pad = 1;
  const x = (t: number): number => (t1 === t0 ? width / 2 : ((t - t0) / (t1 - t0)) * width);
  const y = (v: number): number => {
    const mid = (hi + lo) / 2;
    const scaled = 0.5 - (v - mid) / span;
    return pad + scaled * (height - 2 * pad);
  };

  const parts: string[] = [];
  const lost: number[] = [];
  let drawing = false;
  for (const p of parsed) {
    if (p.v === null || !Number.isFinite(p.v)) {
      lost.push(round(x(p.t)));
      drawing = false;
      continue;
    }

    parts.push(`${drawing ? 'L' : 'M'}${round(x(p.t))} ${round(y(p.v))}`);
    drawing = true;
  }

  return { d: parts.join(' '), lost };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function seconds(iso: string | null): number | null {
  const date = parseTime(iso);
  return date ? date.getTime() / 1000 : null;
}

function clampPercent(value: number): number {
  return Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;
}

export type RangeKey = '1h' | '24h' | '7d' | '30d';

export const ranges: Record<RangeKey, { label: string; seconds: number }> = {
  '1h': { label: '1 h', seconds: 3600 },
  '24h': { label: '24 h', seconds: 86_400 },
  '7d': { label: '7 d', seconds: 7 * 86_400 },
  '30d': { label: '30 d', seconds: 30 * 86_400 },
};

export function isRangeKey(value: string | null | undefined): value is RangeKey {
  return value !== null && value !== undefined && Object.hasOwn(ranges, value);
}

/** The window a range key covers, ending now. */
export function rangeWindow(key: RangeKey, now: Date): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - ranges[key].seconds * 1000), to: now };
}
