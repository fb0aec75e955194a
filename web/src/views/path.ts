// An incident's path: the MTR-style snapshot the probe took when trouble began, beside the last baseline before it.
// Each hop's loss, sent/received and best/avg/worst; the hop from which loss persists to the destination is marked
// and explained in plain words (loss at one middle hop only is the router rate-limiting its answers, not a fault);
// a TTL answering from another router than in the baseline is flagged as a route change. Every address and name is
// set as text (dom.ts).

import type { IncidentPaths, PathHop, PathSnapshot, RouteHopChange } from '../api.ts';
import { h, replaceChildren, setText } from '../dom.ts';
import { formatDateTime } from '../format.ts';
import type { View } from '../live.ts';
import { routeHref } from '../router.ts';
import type { ViewContext } from './context.ts';

export interface PathHopRow {
  ttl: number;
  address: string;
  others: string;
  loss: string;
  sentReceived: string;
  best: string;
  average: string;
  worst: string;
  /** 'from': the first hop from which loss persists; 'after': a hop after it; null: before it or no finding. */
  lossMark: 'from' | 'after' | null;
  /** The router at this TTL differs from the other snapshot's. */
  changed: boolean;
}

export interface PathSide {
  title: string;
  snapshotId: string;
  targetId: string;
  startedAt: string;
  destination: string;
  reached: boolean;
  rows: PathHopRow[];
}

export interface PathModel {
  target: string;
  atStart: PathSide | null;
  baseline: PathSide | null;
  /** What the snapshot at start says, in words. */
  meaning: string;
  /** Route changes in words: the TTLs that differ from the baseline, and the recorded changes. */
  routeChanges: string[];
}

/** The page's content from the API's answer: pure, so its words and marks are tested without a browser. */
export function pathModel(pair: IncidentPaths): PathModel {
  const changedTtls = new Set(pair.differences.map((d) => d.ttl));
  const atStart = pair.atStart;
  return {
    target: atStart?.target ?? pair.baseline?.target ?? '',
    atStart: atStart ? side('At incident start', atStart, changedTtls, atStart.finding?.ttl ?? null) : null,
    baseline: pair.baseline ? side('Last baseline before it', pair.baseline, changedTtls, null) : null,
    meaning: meaning(atStart),
    routeChanges: [
      ...(pair.differences.length > 0 ? [`The route differs from the baseline: ${hopChanges(pair.differences)}.`] : []),
      ...pair.routeChanges.map(
        (c) => `Route change recorded ${formatDateTime(c.confirmedAt)} (first seen ${formatDateTime(c.firstSeenAt)}): ${hopChanges(c.hops)}.`,
      ),
    ],
  };
}

function side(title: string, snapshot: PathSnapshot, changed: Set<number>, lossFrom: number | null): PathSide {
  return {
    title,
    snapshotId: snapshot.id,
    targetId: snapshot.targetId,
    startedAt: formatDateTime(snapshot.startedAt),
    destination: snapshot.destination,
    reached: snapshot.reachedDestination,
    rows: snapshot.hops.map((hop) => row(hop, changed.has(hop.ttl), lossFrom)),
  };
}

function row(hop: PathHop, changed: boolean, lossFrom: number | null): PathHopRow {
  const ms = (value: number | null): string => (value === null ? '—' : value.toFixed(1));
  return {
    ttl: hop.ttl,
    address: hop.address ?? '???',
    others: hop.otherAddresses.join(', '),
    loss: `${hop.lossPercent.toFixed(1)} %`,
    sentReceived: `${hop.sent} / ${hop.received}`,
    best: ms(hop.bestMs),
    average: ms(hop.averageMs),
    worst: ms(hop.worstMs),
    lossMark: lossFrom === null ? null : hop.ttl === lossFrom ? 'from' : hop.ttl > lossFrom ? 'after' : null,
    changed,
  };
}

function meaning(snapshot: PathSnapshot | null): string {
  if (!snapshot) {
    return 'No path snapshot was stored for the start of this incident (the probe takes one when it sees trouble begin; older probes take none).';
  }

  if (snapshot.finding) {
    return snapshot.finding.explanation;
  }

  const middle = snapshot.hops.some((h) => h.received > 0 && h.received < h.sent);
  return middle
    ? 'No loss persists to the destination: loss at a middle hop only is that router rate-limiting its answers to traceroute, not a fault.'
    : 'Every hop answered every request: the path itself was clean when the snapshot was taken.';
}

function hopChanges(hops: readonly RouteHopChange[]): string {
  return hops.map((c) => `TTL ${c.ttl} ${c.oldAddress} → ${c.newAddress}`).join(', ');
}

export class PathView implements View {
  readonly element: HTMLElement;
  readonly #title = h('h1', {}, 'Path at incident start');
  readonly #body = h('div', { class: 'path-body' }, h('p', { class: 'summary' }, 'Loading…'));

  constructor(
    private readonly context: ViewContext,
    private readonly incidentId: string,
  ) {
    this.element = h(
      'section',
      { class: 'page incident-path' },
      h('p', {}, h('a', { href: routeHref({ page: 'incidents', target: null, type: null, state: 'all', range: '7d' }) }, '← Incidents')),
      this.#title,
      this.#body,
    );
  }

  async refresh(signal: AbortSignal): Promise<void> {
    const pair = await this.context.api.incidentPaths(this.incidentId, signal);
    signal.throwIfAborted();
    const model = pathModel(pair);
    setText(this.#title, model.target ? `Path to ${model.target} at incident start` : 'Path at incident start');
    replaceChildren(
      this.#body,
      h('p', { class: `path-meaning${model.atStart?.rows.some((r) => r.lossMark === 'from') ? ' lossy' : ''}` }, model.meaning),
      ...model.routeChanges.map((text) => h('p', { class: 'route-change' }, text)),
      h('div', { class: 'path-pair' }, this.#side(model.atStart, 'No snapshot at the start.'), this.#side(model.baseline, 'No baseline before it.')),
    );
  }

  dispose(): void {}

  #side(side: PathSide | null, missing: string): HTMLElement {
    if (!side) {
      return h('div', { class: 'path-side empty' }, h('p', {}, missing));
    }

    const head = h('tr', {}, ...['TTL', 'Address', 'Loss', 'Sent / received', 'Best', 'Avg', 'Worst'].map((t) => h('th', {}, t)));
    const rows = side.rows.map((r) =>
      h(
        'tr',
        { class: [r.lossMark === 'from' ? 'loss-from' : '', r.lossMark === 'after' ? 'loss-after' : '', r.changed ? 'route-changed' : ''].filter(Boolean).join(' ') || undefined },
        h('td', { class: 'num' }, r.ttl),
        h(
          'td',
          { class: 'address' },
          r.address,
          r.others ? h('span', { class: 'others' }, ` (also ${r.others})`) : null,
          r.lossMark === 'from' ? h('strong', { class: 'mark' }, ' ← loss from here') : null,
          r.changed ? h('span', { class: 'mark' }, ' (other router than the baseline)') : null,
        ),
        h('td', { class: 'num' }, r.loss),
        h('td', { class: 'num' }, r.sentReceived),
        h('td', { class: 'num' }, r.best),
        h('td', { class: 'num' }, r.average),
        h('td', { class: 'num' }, r.worst),
      ),
    );
    return h(
      'div',
      { class: 'path-side' },
      h('h2', {}, side.title),
      h('p', { class: 'summary' }, `${side.startedAt} · to ${side.destination}${side.reached ? '' : ' (did not answer)'} · `,
        h('a', { class: 'download', download: `path-${side.snapshotId}.txt`, href: this.context.api.pathTextUrl(side.targetId, side.snapshotId) }, 'MTR text')),
      h('table', { class: 'path-hops' }, h('thead', {}, head), h('tbody', {}, ...rows)),
    );
  }
}
