// What a tile says about a target, and what the page says about a probe.

import type { Health, Incident, Probe, Target } from './api.ts';
import { formatAgo, formatDuration, formatPercent, formatRtt, parseTime } from './format.ts';
import { incidentTypeInfo } from './incidentTypes.ts';

export const healthLabels: Record<Health, string> = {
  up: 'Up',
  degraded: 'Degraded',
  down: 'Down',
  unknown: 'Unknown',
};

const healths = Object.keys(healthLabels) as Health[];

export interface TileStatus {
  health: Health;
  label: string;
  /** Why, in a few words: the open incident, or why nothing is known. Empty when all is well. */
  reason: string;
}

/** A status the API may grow later reads as unknown rather than breaking the page. */
export function normaliseHealth(value: unknown): Health {
  return healths.includes(value as Health) ? (value as Health) : 'unknown';
}

/**
 * The tile's state. The API decides up/degraded/down; a target whose probe has gone silent is shown
 * unknown here even if its last word was "up", because nobody is looking at it any more.
 */
export function classifyTarget(target: Target, probe: Probe | undefined, now: Date): TileStatus {
  if (probe?.silent) {
    return { health: 'unknown', label: healthLabels.unknown, reason: `probe ${probe.probeId} silent` };
  }

  const health = normaliseHealth(target.status);
  if (health === 'unknown') {
    return { health, label: healthLabels.unknown, reason: target.lastSampleAt ? 'no recent samples' : 'no samples yet' };
  }

  const incident = mostSevere(target.openIncidents ?? []);
  if (incident) {
    return { health, label: healthLabels[health], reason: describeOpenIncident(incident, now) };
  }

  if (health === 'degraded') {
    const loss = target.loss1hPercent;
    if (loss !== null && loss > target.lossThresholdPercent) {
      return { health, label: healthLabels[health], reason: `loss ${formatPercent(loss)} over 1 h` };
    }

    const rtt = target.lastRttMs;
    if (rtt !== null && rtt > target.latencyThresholdMs) {
      return { health, label: healthLabels[health], reason: `RTT above ${formatRtt(target.latencyThresholdMs)}` };
    }
  }

  return { health, label: healthLabels[health], reason: '' };
}

function mostSevere(incidents: readonly Incident[]): Incident | undefined {
  return [...incidents].sort((a, b) => incidentTypeInfo(a.type).severity - incidentTypeInfo(b.type).severity)[0];
}

export function describeOpenIncident(incident: Incident, now: Date): string {
  const start = parseTime(incident.start);
  const since = start ? ` for ${formatDuration((now.getTime() - start.getTime()) / 1000)}` : '';
  return `${incidentTypeInfo(incident.type).label}${since}`;
}

export interface ProbeStatus {
  silent: boolean;
  text: string;
}

export function classifyProbe(probe: Probe, now: Date): ProbeStatus {
  const lastSeen = parseTime(probe.lastSeenAt);
  if (!lastSeen) {
    return { silent: true, text: 'never seen' };
  }

  const ago = formatAgo(lastSeen, now);
  return probe.silent ? { silent: true, text: `silent — last seen ${ago}` } : { silent: false, text: `last seen ${ago}` };
}

export function countByHealth(statuses: readonly TileStatus[]): Record<Health, number> {
  const counts: Record<Health, number> = { up: 0, degraded: 0, down: 0, unknown: 0 };
  for (const status of statuses) {
    counts[status.health]++;
  }

  return counts;
}

export const uncategorised = 'Uncategorised';

export interface CategoryGroup {
  /** Stable across refreshes, and distinct from every category name (a target may be in one called "Uncategorised"). */
  key: string;
  title: string;
  targets: Target[];
}

/** Groups targets by category, categories and names in alphabetical order, uncategorised last. */
export function groupByCategory(targets: readonly Target[]): CategoryGroup[] {
  const groups = new Map<string | null, Target[]>();
  for (const target of targets) {
    const category = target.category?.trim() || null;
    const group = groups.get(category);
    if (group) {
      group.push(target);
    } else {
      groups.set(category, [target]);
    }
  }

  const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : collator.compare(a, b)))
    .map(([category, group]) => ({
      key: category === null ? 'none' : `category:${category}`,
      title: category ?? uncategorised,
      targets: group.sort((a, b) => collator.compare(a.name, b.name) || collator.compare(a.probeId, b.probeId)),
    }));
}
