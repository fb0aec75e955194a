// The fleet: every probe registered or heard from, with its version, site, last seen, target count, spool,
// ICMP path and clock. Silent or stale probes, a clock more than 2 s off, a spool backlog and a fallback ICMP
// path are flagged; an Admin retires a probe here (kept in history, gone from the overview). Every value from
// a probe (site, version) is set as text.

import { isForbidden, type FleetProbe, type FleetList } from '../api.ts';
import { h, replaceChildren, setText } from '../dom.ts';
import { formatAgo, formatDateTime, parseTime } from '../format.ts';
import type { View } from '../live.ts';
import type { ViewContext } from './context.ts';

/** A clock further off than this makes its rounds' times doubtful: flagged. */
export const clockOffsetLimitMs = 2000;

/** Heard from less recently than this, a probe that is not (yet) called silent is stale. */
export const staleAfterMs = 5 * 60_000;

export type FleetFlag = 'silent' | 'stale' | 'clock' | 'backlog' | 'fallback';

/** What is worth a second look about a probe (empty when nothing). */
export function fleetFlags(probe: FleetProbe, now: Date): FleetFlag[] {
  const flags: FleetFlag[] = [];
  if (probe.state === 'revoked' || probe.state === 'retired') {
    return flags;
  }

  const seen = parseTime(probe.lastSeenAt);
  if (probe.state === 'silent') {
    flags.push('silent');
  } else if (!seen || now.getTime() - seen.getTime() > staleAfterMs) {
    flags.push('stale');
  }

  if (probe.clockOffsetMs !== null && Math.abs(probe.clockOffsetMs) > clockOffsetLimitMs) flags.push('clock');
  if (probe.spoolDepth !== null && probe.spoolDepth > 0) flags.push('backlog');
  if (probe.icmpPath === 'fallback') flags.push('fallback');
  return flags;
}

export function clockText(offsetMs: number | null): string {
  if (offsetMs === null) return '—';
  const seconds = offsetMs / 1000;
  return `${seconds > 0 ? '+' : ''}${seconds.toFixed(1)} s`;
}

export function spoolText(probe: FleetProbe, now: Date): string {
  if (probe.spoolDepth === null) return '—';
  if (probe.spoolDepth === 0) return 'empty';
  const oldest = parseTime(probe.oldestUnsentAt);
  return `${probe.spoolDepth} waiting${oldest ? `, oldest ${formatAgo(oldest, now).replace(/ ago$/, '')} old` : ''}`;
}

export function icmpText(probe: FleetProbe): string {
  if (!probe.icmpEngine) return '—';
  return probe.icmpPath === 'fallback' ? `${probe.icmpEngine} (fallback)` : probe.icmpEngine;
}

export class FleetView implements View {
  readonly element: HTMLElement;
  readonly #body = h('tbody');
  readonly #empty = h('p', { class: 'empty', hidden: true }, 'No probes yet: register one (POST /api/probes) and start it.');
  readonly #status = h('p', { class: 'fleet-status', role: 'status' });
  readonly #controller = new AbortController();

  constructor(private readonly context: ViewContext) {
    const head = h(
      'tr',
      {},
      ...['Probe', 'Site', 'State', 'Version', 'Last seen', 'Targets', 'Spool', 'ICMP', 'Clock', 'Key'].map((t) => h('th', { scope: 'col' }, t)),
      context.canWrite && h('th', { scope: 'col' }, ''),
    );
    this.element = h(
      'section',
      { class: 'page fleet' },
      h('h1', {}, 'Fleet'),
      h('p', { class: 'hint' }, 'Flagged: silent or not heard from for 5 min, a clock more than 2 s off, batches waiting in the spool, a fallback ICMP path. A retired probe stays in history and is gone from the overview; it comes back by itself when it sends again.'),
      this.#status,
      this.#empty,
      h('div', { class: 'table-scroll' }, h('table', { class: 'fleet-probes' }, h('thead', {}, head), this.#body)),
    );
  }

  async refresh(signal: AbortSignal): Promise<void> {
    const list = await this.context.api.fleet(signal);
    signal.throwIfAborted();
    this.show(list, this.context.now());
  }

  /** Brings the table in line with `list`. Public for unit tests. */
  show(list: FleetList, now: Date): void {
    replaceChildren(this.#body, ...list.probes.map((p) => this.#row(p, now)));
    this.#empty.hidden = list.probes.length !== 0;
  }

  dispose(): void {
    this.#controller.abort();
  }

  #row(probe: FleetProbe, now: Date): HTMLTableRowElement {
    const flags = fleetFlags(probe, now);
    const seen = parseTime(probe.lastSeenAt);
    const canRetire = this.context.canWrite && probe.state !== 'revoked' && probe.lastSeenAt !== null;
    const retire = canRetire && h('button', { type: 'button', class: 'retire-probe' }, probe.state === 'retired' ? 'Bring back' : 'Retire');
    const flagged = (flag: FleetFlag, text: string): HTMLTableCellElement =>
      h('td', { class: flags.includes(flag) ? `flag flag-${flag}` : '' }, flags.includes(flag) ? `⚠ ${text}` : text);
    const row = h(
      'tr',
      { 'data-probe-id': probe.id, class: ['probe-row', `state-${probe.state}`, ...flags.map((f) => `flagged-${f}`)].join(' ') },
      h('th', { scope: 'row' }, probe.id),
      h('td', {}, probe.site ?? '—'),
      flagged(flags.includes('silent') ? 'silent' : 'stale', probe.state),
      h('td', {}, probe.softwareVersion ?? '—'),
      h('td', { title: formatDateTime(probe.lastSeenAt) }, seen ? formatAgo(seen, now) : 'never'),
      h('td', {}, probe.targetCount ?? '—'),
      flagged('backlog', spoolText(probe, now)),
      flagged('fallback', icmpText(probe)),
      flagged('clock', clockText(probe.clockOffsetMs)),
      h('td', { title: probe.publicKey ?? '' }, probe.keyId ?? 'not registered'),
      retire && h('td', {}, retire),
    );
    if (retire) {
      retire.addEventListener('click', () => {
        const undo = probe.state === 'retired';
        retire.disabled = true;
        this.context.api
          .retireProbe(probe.id, !undo, this.#controller.signal)
          .then(() => {
            setText(this.#status, undo ? `Probe ${probe.id} is back.` : `Probe ${probe.id} retired.`);
            this.context.refreshNow();
          })
          .catch((error: unknown) => {
            retire.disabled = false;
            setText(this.#status, isForbidden(error) ? 'The API refused: retiring a probe needs the Admin role.' : 'Not changed: the API did not answer.');
          });
      });
    }

    return row;
  }
}
