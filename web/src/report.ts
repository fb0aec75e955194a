// A daily report's body is defined by the reports feature (issue 5), not by this page. The dashboard
// reads it leniently: it looks for the per-target rows and the usual fields under the names such a
// body is likely to use, shows a dash for whatever is missing, and never fails on an unknown shape.
// NetPulse's own body keeps a target's figures in one `statistics` object (see API.md): read those first.

import type { ReportBody } from './api.ts';

export interface ReportRow {
  name: string;
  targetId: string | null;
  probeId: string | null;
  grade: string | null;
  /** Why this grade, in words, when the body says. */
  gradeReason: string | null;
  uptimePercent: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  lossPercent: number | null;
  incidents: number | null;
  downtimeSeconds: number | null;
  /** Downtime under maintenance: shown apart, left out of uptime and grade. */
  plannedDowntimeSeconds: number | null;
  recommendations: string[];
}

export interface ReportView {
  rows: ReportRow[];
  /** Top-level facts worth a line (date, time zone, when it was built), as label/text pairs. */
  facts: { label: string; text: string }[];
  /** The day in UTC that export links cover, when the body says; else null (the page uses the date). */
  from: string | null;
  to: string | null;
}

const rowArrayKeys = ['targets', 'rows', 'entries', 'items', 'results'];

const fields = {
  name: ['name', 'targetName', 'target.name', 'target', 'host'],
  targetId: ['targetId', 'id', 'target.id'],
  probeId: ['probeId', 'probe', 'target.probeId'],
  grade: ['grade', 'rating', 'score'],
  gradeReason: ['gradeReason', 'gradeExplanation'],
  uptimePercent: ['uptimePercent', 'uptime', 'availabilityPercent', 'availability', 'uptime.percent'],
  p50Ms: ['statistics.p50Ms', 'p50Ms', 'rttP50Ms', 'p50RttMs', 'medianMs', 'medianRttMs', 'rtt.p50Ms', 'rtt.p50', 'rttMs.p50', 'latency.p50Ms', 'latency.p50'],
  p95Ms: ['statistics.p95Ms', 'p95Ms', 'rttP95Ms', 'p95RttMs', 'rtt.p95Ms', 'rtt.p95', 'rttMs.p95', 'latency.p95Ms', 'latency.p95'],
  lossPercent: ['statistics.lossPercent', 'lossPercent', 'loss', 'packetLossPercent', 'loss.percent'],
  incidents: ['incidentCount', 'incidentsCount', 'incidents'],
  downtimeSeconds: ['downtimeSeconds', 'totalDowntimeSeconds', 'downtime'],
  plannedDowntimeSeconds: ['plannedDowntimeSeconds'],
  recommendations: ['recommendations', 'advice', 'notes'],
} as const;

const factKeys: { keys: string[]; label: string }[] = [
  { keys: ['date', 'day', 'localDate'], label: 'Date' },
  { keys: ['timeZone', 'timezone', 'tz'], label: 'Time zone' },
  { keys: ['from', 'start', 'dayStart'], label: 'From' },
  { keys: ['to', 'end', 'dayEnd'], label: 'To' },
  { keys: ['generatedAt', 'builtAt', 'createdAt'], label: 'Generated' },
  { keys: ['undeliveredAlerts'], label: 'Alerts not delivered' },
  { keys: ['pendingAlerts'], label: 'Alerts still retried' },
];

export function readReport(body: unknown): ReportView {
  const record = isRecord(body) ? body : {};
  const rows = findRows(record).map(readRow);
  const facts: { label: string; text: string }[] = [];
  for (const { keys, label } of factKeys) {
    const value = pickAny(record, keys);
    if (typeof value === 'string' || typeof value === 'number') {
      facts.push({ label, text: String(value) });
    }
  }

  const from = pickAny(record, ['from', 'start', 'dayStart', 'fromUtc']);
  const to = pickAny(record, ['to', 'end', 'dayEnd', 'toUtc']);
  return {
    rows,
    facts,
    from: typeof from === 'string' ? from : null,
    to: typeof to === 'string' ? to : null,
  };
}

function findRows(body: ReportBody): Record<string, unknown>[] {
  for (const key of rowArrayKeys) {
    const value = pickAny(body, [key]);
    if (Array.isArray(value) && value.some(isRecord)) {
      return value.filter(isRecord);
    }
  }

  // Otherwise the first array of objects that carry a name-like field.
  for (const value of Object.values(body)) {
    if (Array.isArray(value) && value.some((v) => isRecord(v) && pickAny(v, fields.name) !== undefined)) {
      return value.filter(isRecord);
    }
  }

  return [];
}

function readRow(row: Record<string, unknown>): ReportRow {
  const name = pickAny(row, fields.name);
  const id = pickAny(row, fields.targetId);
  const probeId = pickAny(row, fields.probeId);
  const grade = pickAny(row, fields.grade);
  const gradeReason = pickAny(row, fields.gradeReason);
  const incidents = pickAny(row, fields.incidents);
  const recommendations = pickAny(row, fields.recommendations);
  return {
    name: typeof name === 'string' ? name : isRecord(name) && typeof name['name'] === 'string' ? name['name'] : '(unnamed)',
    targetId: typeof id === 'string' ? id : null,
    probeId: typeof probeId === 'string' ? probeId : null,
    grade: typeof grade === 'string' || typeof grade === 'number' ? String(grade) : null,
    gradeReason: typeof gradeReason === 'string' && gradeReason !== '' ? gradeReason : null,
    uptimePercent: number(pickAny(row, fields.uptimePercent)),
    p50Ms: number(pickAny(row, fields.p50Ms)),
    p95Ms: number(pickAny(row, fields.p95Ms)),
    lossPercent: number(pickAny(row, fields.lossPercent)),
    incidents: Array.isArray(incidents) ? incidents.length : number(incidents),
    downtimeSeconds: number(pickAny(row, fields.downtimeSeconds)),
    plannedDowntimeSeconds: number(pickAny(row, fields.plannedDowntimeSeconds)),
    recommendations: Array.isArray(recommendations)
      ? recommendations.filter((r): r is string => typeof r === 'string')
      : typeof recommendations === 'string'
        ? [recommendations]
        : [],
  };
}

/** A CSS class for a grade like "A" or "B+", or "" for anything else (so no odd text reaches a class name). */
export function gradeClass(grade: string | null): string {
  const match = grade?.trim().match(/^([A-Fa-f])[+-]?$/);
  return match ? `grade grade-${match[1]!.toLowerCase()}` : 'grade';
}

/** The first of `paths` (dotted, keys matched without regard to case) that holds a value. */
function pickAny(record: Record<string, unknown>, paths: readonly string[]): unknown {
  for (const path of paths) {
    let current: unknown = record;
    for (const part of path.split('.')) {
      current = isRecord(current) ? getIgnoreCase(current, part) : undefined;
    }

    if (current !== undefined && current !== null) {
      return current;
    }
  }

  return undefined;
}

function getIgnoreCase(record: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(record, key)) {
    return record[key];
  }

  const lower = key.toLowerCase();
  const match = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return match === undefined ? undefined : record[match];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function number(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }

  if (isRecord(value)) {
    // e.g. { "percent": 99.5 } or { "value": 12 }
    for (const key of ['percent', 'value', 'ms']) {
      const inner = value[key];
      if (typeof inner === 'number' && Number.isFinite(inner)) {
        return inner;
      }
    }
  }

  return null;
}
