// A table of incidents, updated in place by incident id: used by the incidents page and a target's page.

import { isForbidden, type Incident } from '../api.ts';
import { h, setAttr, setClass, setText } from '../dom.ts';
import { formatDateTime, formatDuration, formatIn, parseTime } from '../format.ts';
import { incidentTypeInfo } from '../incidentTypes.ts';
import { routeHref } from '../router.ts';

export class IncidentTable {
  readonly element: HTMLElement;
  readonly #body: HTMLTableSectionElement;
  readonly #empty: HTMLElement;
  readonly #scroll: HTMLElement;
  readonly #rows = new Map<string, IncidentRow>();
  readonly #showTarget: boolean;
  readonly #acknowledge: Acknowledge | null;
  readonly #pathLinks: boolean;

  /**
   * With `acknowledge` (an Admin's page), an open incident nobody acknowledged gets an Acknowledge button. With
   * `pathLinks: false` (a share link's page, which may not leave its routes) no incident links to its path page.
   */
  constructor(options: { showTarget: boolean; emptyText: string; acknowledge?: Acknowledge; pathLinks?: boolean }) {
    this.#showTarget = options.showTarget;
    this.#acknowledge = options.acknowledge ?? null;
    this.#pathLinks = options.pathLinks ?? true;
    this.#body = h('tbody');
    this.#empty = h('p', { class: 'empty', hidden: true }, options.emptyText);
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col' }, 'State'),
      h('th', { scope: 'col' }, 'Type'),
      this.#showTarget && h('th', { scope: 'col' }, 'Target'),
      h('th', { scope: 'col' }, 'Start'),
      h('th', { scope: 'col' }, 'End'),
      h('th', { scope: 'col' }, 'Duration'),
      h('th', { scope: 'col' }, 'Peak / threshold'),
      h('th', { scope: 'col' }, 'Notes'),
    );
    this.#scroll = h('div', { class: 'table-scroll', hidden: true }, h('table', { class: 'incidents' }, h('thead', {}, head), this.#body));
    this.element = h('div', { class: 'incident-table' }, this.#empty, this.#scroll);
  }

  /** `label` names a target for people ("lab-03 @ office-berlin" where ambiguous, labels.ts); the bare name without it. */
  update(incidents: readonly Incident[], now: Date, label?: (probeId: string, name: string) => string): void {
    const seen = new Set<string>();
    incidents.forEach((incident, index) => {
      seen.add(incident.id);
      let row = this.#rows.get(incident.id);
      if (!row) {
        row = new IncidentRow(this.#showTarget, this.#acknowledge, this.#pathLinks);
        this.#rows.set(incident.id, row);
      }

      row.update(incident, now, label);
      if (this.#body.children[index] !== row.element) {
        this.#body.insertBefore(row.element, this.#body.children[index] ?? null);
      }
    });
    for (const [id, row] of this.#rows) {
      if (!seen.has(id)) {
        row.element.remove();
        this.#rows.delete(id);
      }
    }

    this.#empty.hidden = incidents.length !== 0;
    this.#scroll.hidden = incidents.length === 0;
  }

  /** Open incidents' durations grow every second. */
  tick(now: Date): void {
    for (const row of this.#rows.values()) {
      row.tick(now);
    }
  }
}

class IncidentRow {
  readonly element: HTMLTableRowElement;
  readonly #state = h('td', { class: 'state' });
  readonly #type = h('td');
  readonly #targetLink = h('a');
  readonly #targetCell: HTMLTableCellElement | null;
  readonly #start = h('td');
  readonly #end = h('td');
  readonly #duration = h('td', { class: 'num' });
  readonly #peak = h('td', { class: 'num' });
  readonly #maintenance = h('span', { class: 'maintenance-flag', hidden: true }, 'maintenance');
  readonly #acknowledged = h('span', { class: 'acknowledged', hidden: true });
  readonly #ackButton = h('button', { type: 'button', class: 'ack-button', hidden: true }, 'Acknowledge');
  readonly #ackStatus = h('span', { class: 'ack-status', role: 'status' });
  readonly #pathLink = h('a', { class: 'path-link', hidden: true }, 'path');
  readonly #acknowledge: Acknowledge | null;
  #incident: Incident | null = null;

  readonly #pathLinks: boolean;

  constructor(showTarget: boolean, acknowledge: Acknowledge | null, pathLinks: boolean) {
    this.#acknowledge = acknowledge;
    this.#pathLinks = pathLinks;
    this.#targetCell = showTarget ? h('td', { class: 'target-name' }, this.#targetLink) : null;
    const notes = h('td', { class: 'notes' }, this.#pathLink, ' ', this.#maintenance, ' ', this.#acknowledged, this.#ackButton, ' ', this.#ackStatus);
    this.element = h('tr', {}, this.#state, this.#type, this.#targetCell, this.#start, this.#end, this.#duration, this.#peak, notes);
    this.#ackButton.addEventListener('click', () => void this.#acknowledgeNow());
  }

  async #acknowledgeNow(): Promise<void> {
    const incident = this.#incident;
    if (!incident || !this.#acknowledge) {
      return;
    }

    this.#ackButton.disabled = true;
    setText(this.#ackStatus, 'Acknowledging…');
    try {
      const answered = await this.#acknowledge(incident);
      setText(this.#ackStatus, '');
      this.update(answered, new Date());
    } catch (error) {
      setText(this.#ackStatus, isForbidden(error) ? 'The API refused: acknowledging needs the Admin role.' : `Not acknowledged: ${String(error instanceof Error ? error.message : error)}`);
    } finally {
      this.#ackButton.disabled = false;
    }
  }

  update(incident: Incident, now: Date, label?: (probeId: string, name: string) => string): void {
    this.#incident = incident;
    const open = incident.end === null;
    setClass(this.element, `incident incident-${incident.type}${open ? ' open' : ''}`);
    setAttr(this.element, 'data-incident-id', incident.id);
    setText(this.#state, open ? 'open' : 'resolved');
    const kind = incidentTypeInfo(incident.type);
    setText(this.#type, `${kind.label}${incident.groupedUnderIncidentId ? ' (under uplink)' : ''}`);
    if (this.#targetCell) {
      const name = kind.subject === 'probe' && !incident.targetId ? `probe ${incident.probeId}` : (label?.(incident.probeId, incident.targetName) ?? incident.targetName);
      setText(this.#targetLink, name);
      setAttr(this.#targetLink, 'href', incident.targetId ? routeHref({ page: 'target', id: incident.targetId, range: '24h' }) : null);
    }

    // A target's incident has a path page (the snapshot at its start); a probe's own has none.
    const pathPage = this.#pathLinks && incident.targetId;
    this.#pathLink.hidden = !pathPage;
    setAttr(this.#pathLink, 'href', pathPage ? routeHref({ page: 'incidentPath', incident: incident.id }) : null);
    setText(this.#start, formatDateTime(incident.start));
    setText(this.#end, open ? '—' : formatDateTime(incident.end));
    setText(this.#peak, formatPeak(incident));
    this.#maintenance.hidden = !incident.maintenanceWindowId;
    setText(this.#acknowledged, acknowledgementText(incident));
    this.#acknowledged.hidden = !incident.acknowledgement;
    this.#ackButton.hidden = !(this.#acknowledge && open && !incident.acknowledgement);
    this.tick(now);
  }

  tick(now: Date): void {
    const incident = this.#incident;
    if (!incident) {
      return;
    }

    setText(this.#duration, formatDuration(incidentDurationSeconds(incident, now)));
  }
}

/** Records an acknowledgement (POST /incidents/{id}/ack) and answers the incident as the API now has it. */
export type Acknowledge = (incident: Incident) => Promise<Incident>;

/** "acknowledged by Ana at 2026-03-02 10:05", or "" when nobody did. */
export function acknowledgementText(incident: Incident): string {
  const ack = incident.acknowledgement;
  return ack ? `acknowledged by ${ack.by} at ${formatDateTime(ack.at)}${ack.note ? ` (${ack.note})` : ''}` : '';
}

/** A resolved incident's duration is the API's; an open one's keeps growing on the page between refreshes. */
export function incidentDurationSeconds(incident: Incident, now: Date): number {
  if (incident.end === null) {
    const start = parseTime(incident.start);
    if (start) {
      return Math.max(incident.durationSeconds ?? 0, (now.getTime() - start.getTime()) / 1000);
    }
  }

  return incident.durationSeconds;
}

export function formatPeak(incident: Incident): string {
  const { unit } = incidentTypeInfo(incident.type);
  if (unit === null || (incident.peakValue === null && incident.threshold === null)) {
    return '–';
  }

  return `${formatIn(unit, incident.peakValue)} / ${formatIn(unit, incident.threshold)}`;
}
