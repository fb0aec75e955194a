// Overview: one tile per target, grouped by category, and each probe's last-seen time. A refresh
// updates tiles in place by target id; tiles are added, moved or removed only when targets are.

import type { Probe, Target, TargetList } from '../api.ts';
import { h, setAttr, setClass, setText, svg } from '../dom.ts';
import { formatAgo, formatDateTime, formatPercent, formatRtt, parseTime } from '../format.ts';
import type { View } from '../live.ts';
import { routeHref } from '../router.ts';
import { labeller } from '../labels.ts';
import { sparklinePath } from '../series.ts';
import { classifyProbe, classifyTarget, countByHealth, groupByCategory, type TileStatus } from '../status.ts';
import type { ViewContext } from './context.ts';

const sparkWidth = 120;
const sparkHeight = 28;

export class OverviewView implements View {
  readonly element: HTMLElement;
  readonly #summary: HTMLElement;
  readonly #probes: HTMLElement;
  readonly #groups: HTMLElement;
  readonly #empty: HTMLElement;
  readonly #tiles = new Map<string, Tile>();
  readonly #groupViews = new Map<string, Group>();
  readonly #probeViews = new Map<string, ProbeChip>();
  #last: TargetList | null = null;

  constructor(private readonly context: ViewContext) {
    this.#summary = h('p', { class: 'summary' });
    this.#probes = h('ul', { class: 'probes', 'aria-label': 'Probes' });
    this.#groups = h('div', { class: 'groups' });
    this.#empty = h('p', { class: 'empty', hidden: true }, 'No targets yet: start a probe, and its targets appear here within a few seconds of its first batch.');
    this.element = h('section', { class: 'page overview' }, h('h1', {}, 'Overview'), this.#summary, this.#probes, this.#empty, this.#groups);
  }

  async refresh(signal: AbortSignal): Promise<void> {
    const list = await this.context.api.targets(signal);
    signal.throwIfAborted();
    this.render(list, this.context.now());
  }

  /** Brings the DOM in line with `list`. Public for unit tests. */
  render(list: TargetList, now: Date): void {
    this.#last = list;
    const probes = new Map<string, Probe>((list.probes ?? []).map((p) => [p.probeId, p]));
    // "lab-03 @ office-berlin" where several probes have a target of that name.
    const label = labeller(list);
    const statuses: TileStatus[] = [];

    const seenGroups = new Set<string>();
    const seenTiles = new Set<string>();
    let groupIndex = 0;
    for (const { key, title, targets } of groupByCategory(list.targets ?? [])) {
      seenGroups.add(key);
      let group = this.#groupViews.get(key);
      if (!group) {
        group = new Group(title);
        this.#groupViews.set(key, group);
      }

      placeAt(this.#groups, group.element, groupIndex++);
      targets.forEach((target, index) => {
        seenTiles.add(target.id);
        let tile = this.#tiles.get(target.id);
        if (!tile) {
          tile = new Tile();
          this.#tiles.set(target.id, tile);
        }

        const status = classifyTarget(target, probes.get(target.probeId), now);
        statuses.push(status);
        tile.update(target, status, now, label(target.probeId, target.name));
        placeAt(group.grid, tile.element, index);
      });
      group.update(targets.length);
    }

    for (const [id, tile] of this.#tiles) {
      if (!seenTiles.has(id)) {
        tile.element.remove();
        this.#tiles.delete(id);
      }
    }

    for (const [key, group] of this.#groupViews) {
      if (!seenGroups.has(key)) {
        group.element.remove();
        this.#groupViews.delete(key);
      }
    }

    const counts = countByHealth(statuses);
    setText(
      this.#summary,
      statuses.length === 0
        ? ''
        : `${statuses.length} targets: ${counts.up} up, ${counts.degraded} degraded, ${counts.down} down, ${counts.unknown} unknown`,
    );
    this.#empty.hidden = statuses.length !== 0;
    this.#renderProbes(list.probes ?? [], now);
  }

  /** Re-renders the relative times ("last seen 4 s ago") between refreshes. */
  tick(now: Date): void {
    if (this.#last) {
      this.#renderProbes(this.#last.probes ?? [], now);
    }
  }

  dispose(): void {}

  #renderProbes(probes: readonly Probe[], now: Date): void {
    const seen = new Set<string>();
    [...probes]
      .sort((a, b) => a.probeId.localeCompare(b.probeId))
      .forEach((probe, index) => {
        seen.add(probe.probeId);
        let chip = this.#probeViews.get(probe.probeId);
        if (!chip) {
          chip = new ProbeChip();
          this.#probeViews.set(probe.probeId, chip);
        }

        chip.update(probe, now);
        placeAt(this.#probes, chip.element, index);
      });
    for (const [id, chip] of this.#probeViews) {
      if (!seen.has(id)) {
        chip.element.remove();
        this.#probeViews.delete(id);
      }
    }
  }
}

/** Moves `child` to position `index` of `parent` only if it is not there already (no needless reflow). */
function placeAt(parent: Element, child: Element, index: number): void {
  if (parent.children[index] !== child) {
    parent.insertBefore(child, parent.children[index] ?? null);
  }
}

class Group {
  readonly element: HTMLElement;
  readonly grid: HTMLElement;
  readonly #count: HTMLElement;

  constructor(category: string) {
    this.#count = h('span', { class: 'count' });
    this.grid = h('div', { class: 'tiles' });
    this.element = h('section', { class: 'group' }, h('h2', {}, category, ' ', this.#count), this.grid);
  }

  update(count: number): void {
    setText(this.#count, `(${count})`);
    // Small groups share a row; big ones take the full width (styles.css sizes a group by its tile count).
    // CSSOM rather than a style attribute, which the CSP would refuse.
    if (this.element.style.getPropertyValue('--tiles') !== String(count)) {
      this.element.style.setProperty('--tiles', String(count));
    }
  }
}

class ProbeChip {
  readonly element: HTMLElement;
  readonly #name = h('span', { class: 'probe-name' });
  readonly #seen = h('span', { class: 'probe-seen' });

  constructor() {
    this.element = h('li', { class: 'probe' }, this.#name, ' ', this.#seen);
  }

  update(probe: Probe, now: Date): void {
    const status = classifyProbe(probe, now);
    setClass(this.element, status.silent ? 'probe probe-silent' : 'probe');
    setText(this.#name, `${status.silent ? '⚠ ' : ''}probe ${probe.probeId}`);
    setText(this.#seen, status.text);
    setAttr(this.element, 'title', probe.lastSeenAt ? `last batch ${formatDateTime(probe.lastSeenAt)}` : 'no batch received');
  }
}

class Tile {
  readonly element: HTMLAnchorElement;
  readonly #badge = h('span', { class: 'badge' });
  readonly #name = h('span', { class: 'name' });
  readonly #host = h('span', { class: 'host' });
  readonly #rtt = h('dd');
  readonly #loss = h('dd');
  readonly #uptime = h('dd');
  readonly #reason = h('p', { class: 'reason' });
  readonly #lastSample = h('p', { class: 'last-sample' });
  readonly #spark = svg('path', { class: 'spark-line', d: '' });
  readonly #lost = svg('g', { class: 'spark-lost' });
  #lostKey = '';

  constructor() {
    const chart = svg('svg', {
      class: 'sparkline',
      viewBox: `0 0 ${sparkWidth} ${sparkHeight}`,
      preserveAspectRatio: 'none',
      'aria-hidden': 'true',
    });
    chart.append(this.#lost, this.#spark);
    this.element = h(
      'a',
      { class: 'tile' },
      h('div', { class: 'tile-head' }, this.#badge, this.#name),
      this.#host,
      h('dl', { class: 'metrics' }, h('div', {}, h('dt', {}, 'RTT'), this.#rtt), h('div', {}, h('dt', {}, 'loss 1 h'), this.#loss), h('div', {}, h('dt', {}, 'uptime 24 h'), this.#uptime)),
      chart,
      this.#reason,
      this.#lastSample,
    );
  }

  update(target: Target, status: TileStatus, now: Date, label: string = target.name): void {
    setAttr(this.element, 'href', routeHref({ page: 'target', id: target.id, range: '24h' }));
    setClass(this.element, `tile status-${status.health}${target.uplink ? ' uplink' : ''}`);
    setAttr(this.element, 'data-target-id', target.id);
    setAttr(this.element, 'title', target.description || null);
    setText(this.#badge, status.label);
    setText(this.#name, label);
    setText(this.#host, `${target.host}${target.uplink ? ' · uplink' : ''}`);
    setText(this.#rtt, formatRtt(target.lastRttMs));
    setText(this.#loss, formatPercent(target.loss1hPercent));
    setText(this.#uptime, formatPercent(target.uptime24hPercent, 2));
    setText(this.#reason, status.reason);
    const last = parseTime(target.lastSampleAt);
    setText(this.#lastSample, last ? `last sample ${formatAgo(last, now)}` : 'no samples yet');

    const { d, lost } = sparklinePath(target.sparkline ?? [], sparkWidth, sparkHeight);
    setAttr(this.#spark, 'd', d);
    const lostKey = lost.join(',');
    if (lostKey !== this.#lostKey) {
      this.#lostKey = lostKey;
      this.#lost.replaceChildren(...lost.map((x) => svg('rect', { x: x - 0.75, y: sparkHeight - 6, width: 1.5, height: 6 })));
    }
  }
}
