// The incident kinds, in one table keyed by the name the API uses (web/API.md, `Incident.type`).
// Everything the dashboard knows about a kind lives in its entry: how it is named, how its peak and
// threshold read, its colour on the chart, how it ranks among open incidents, and whether it concerns
// a target or a whole probe. A new kind is one entry here; IncidentType grows with it, and every
// Record<IncidentType, …> or exhaustive switch that needs it becomes a type error until it is handled.

import type { Unit } from './format.ts';

export interface IncidentTypeInfo {
  /** The name a person reads: the type filter, the incident table, a tile's reason, the chart legend. */
  readonly label: string;
  /** What the incident's peak and threshold measure (RTT in ms, percent of rounds lost); null when they mean nothing to a person. */
  readonly unit: Unit | null;
  /** Fill of the incident's span behind the chart: translucent, so the smoke shows through. */
  readonly colour: string;
  /** Lower is worse: a tile with several open incidents names the worst. */
  readonly severity: number;
  /** A probe-level kind has no target (the API sends targetId null) and never shows on a target's chart. */
  readonly subject: 'target' | 'probe';
}

export const incidentTypes = {
  down: { label: 'Down', unit: null, colour: 'rgba(220, 38, 38, 0.16)', severity: 0, subject: 'target' },
  latency: { label: 'High latency', unit: 'ms', colour: 'rgba(202, 138, 4, 0.14)', severity: 3, subject: 'target' },
  loss: { label: 'Packet loss', unit: 'percent', colour: 'rgba(234, 88, 12, 0.14)', severity: 2, subject: 'target' },
  probeSilent: { label: 'Probe silent', unit: null, colour: 'rgba(100, 116, 139, 0.16)', severity: 1, subject: 'probe' },
} as const satisfies Record<string, IncidentTypeInfo>;

/** An incident kind as the API names it: 'down' | 'latency' | 'loss' | 'probeSilent'. */
export type IncidentType = keyof typeof incidentTypes;

/** Every kind, in table order (the order of the type filter). */
export const incidentTypeNames = Object.keys(incidentTypes) as IncidentType[];

export function isIncidentType(value: unknown): value is IncidentType {
  return typeof value === 'string' && Object.hasOwn(incidentTypes, value);
}

/**
 * The entry for a type the API sent. A kind the API grows before the dashboard does is not an error:
 * it reads under its own name, ranks after the known kinds, and draws in the neutral colour.
 */
export function incidentTypeInfo(type: string): IncidentTypeInfo {
  return isIncidentType(type) ? incidentTypes[type] : { label: type, unit: null, colour: incidentTypes.probeSilent.colour, severity: Number.MAX_SAFE_INTEGER, subject: 'target' };
}
