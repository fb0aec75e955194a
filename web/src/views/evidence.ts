// Evidence packs: the weekly and monthly packs the timer stored, per probe, with their headline figures and
// downloads (the PDF and the CSV files); an Admin may rebuild one. Names come from probes' config: every one is
// text (h() makes text nodes), never markup.

import { isAbort, isForbidden, isUnauthorized, type EvidenceKind, type EvidenceSummary } from '../api.ts';
import { h, replaceChildren, setText } from '../dom.ts';
import { formatDateTime, formatPercent, formatRtt } from '../format.ts';
import type { View } from '../live.ts';
import { routeHref } from '../router.ts';
import { gradeClass } from '../report.ts';
import type { ViewContext } from './context.ts';

/** One pack as the page shows it: plain values, so the page's logic is tested without a DOM. */
export interface EvidenceRow {
  key: string;
  probeId: string;
  kind: EvidenceKind;
  period: string;
  title: string;
  dates: string;
  site: string;
  grade: string | null;
  worst: string;
  counts: string;
  emailed: string;
  downloads: { label: string; file: string; fileName: string }[];
}

export interface EvidenceGroup {
  probeId: string;
  site: string;
  rows: EvidenceRow[];
}

/** The packs grouped by probe (probes in id order), each probe's newest period first, weeks before months of the same start. */
export function evidenceGroups(packs: readonly EvidenceSummary[]): EvidenceGroup[] {
  const byProbe = new Map<string, EvidenceSummary[]>();
  for (const pack of packs) {
    const list = byProbe.get(pack.probeId) ?? [];
    list.push(pack);
    byProbe.set(pack.probeId, list);
  }

  return [...byProbe.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([probeId, list]) => {
      const rows = [...list]
        .sort((a, b) => (a.from === b.from ? (a.kind === b.kind ? 0 : a.kind === 'week' ? -1 : 1) : a.from < b.from ? 1 : -1))
        .map(evidenceRow);
      return { probeId, site: rows.find((r) => r.site !== '')?.site ?? '', rows };
    });
}

export function evidenceRow(pack: EvidenceSummary): EvidenceRow {
  const worst = pack.worstTarget
    ? `${pack.worstTarget}: grade ${pack.worstTargetGrade ?? '–'}, loss ${formatPercent(pack.worstTargetLossPercent, 2)}, p95 ${formatRtt(pack.worstTargetP95Ms)}`
    : 'no targets';
  return {
    key: `${pack.probeId}|${pack.kind}|${pack.period}`,
    probeId: pack.probeId,
    kind: pack.kind,
    period: pack.period,
    title: `${pack.kind === 'week' ? 'Week' : 'Month'} ${pack.period}`,
    dates: `${pack.firstDate} to ${pack.lastDate} (${pack.timeZone})`,
    site: pack.site ?? '',
    grade: pack.grade,
    worst,
    counts: `${pack.targetCount} targets · ${pack.outageCount} outages ≥ 30 s · ${pack.incidentCount} incidents`,
    emailed: pack.emailed ? `emailed ${pack.emailedAt ? formatDateTime(pack.emailedAt) : ''}`.trim() : 'not emailed',
    downloads: pack.files.map((f) => ({ label: f.name === 'pack.pdf' ? 'PDF' : f.name.replace(/\.csv$/, ' CSV'), file: f.name, fileName: f.fileName })),
  };
}

export class EvidenceView implements View {
  readonly element: HTMLElement;
  readonly #list = h('div', { class: 'evidence-list' });
  readonly #message = h('p', { class: 'empty', hidden: true });
  readonly #status = h('p', { class: 'rebuild-status', role: 'status' });
  readonly #controller = new AbortController();
  #key = '';

  constructor(
    private readonly context: ViewContext,
    private readonly probe: string | null,
  ) {
    this.element = h(
      'section',
      { class: 'page evidence' },
      h('h1', {}, probe ? `Evidence packs: ${probe}` : 'Evidence packs'),
      h(
        'p',
        { class: 'hint' },
        'Each probe’s week (ISO, Monday to Sunday) and month in the report time zone: loss and latency percentiles, outages, heatmaps, the incident log and the path at each incident, as a PDF and CSV files. Packs are built after the period ends, mailed once, and kept.',
      ),
      probe ? h('p', {}, h('a', { href: routeHref({ page: 'evidence', probe: null }) }, 'All probes')) : null,
      this.#message,
      this.#status,
      this.#list,
    );
  }

  async refresh(signal: AbortSignal): Promise<void> {
    const list = await this.context.api.evidencePacks(this.probe, signal);
    signal.throwIfAborted();
    const packs = list.packs ?? [];
    this.#message.hidden = packs.length !== 0;
    setText(this.#message, packs.length ? '' : 'No evidence packs yet: the first is built after the first full week (or month) with samples ends.');
    const key = JSON.stringify(packs);
    if (key === this.#key) {
      return;
    }

    this.#key = key;
    replaceChildren(this.#list, ...evidenceGroups(packs).map((group) => this.#group(group)));
  }

  dispose(): void {
    this.#controller.abort();
  }

  #group(group: EvidenceGroup): HTMLElement {
    const api = this.context.api;
    const head = h('tr', {}, ...['Period', 'Grade', 'Worst target', 'Figures', 'Mail', 'Download', ''].map((t) => h('th', { scope: 'col' }, t)));
    const rows = group.rows.map((row) =>
      h(
        'tr',
        {},
        h('td', {}, h('strong', {}, row.title), h('div', { class: 'evidence-dates' }, row.dates)),
        h('td', {}, h('span', { class: gradeClass(row.grade) }, row.grade ?? '–')),
        h('td', {}, row.worst),
        h('td', {}, row.counts),
        h('td', {}, row.emailed),
        h(
          'td',
          { class: 'evidence-downloads' },
          ...row.downloads.flatMap((d, i) => [
            i === 0 ? null : ' · ',
            h('a', { href: api.evidenceFileUrl(row.probeId, row.kind, row.period, d.file), download: d.fileName, class: 'download' }, d.label),
          ]),
        ),
        // Admin only (with sign-in): a Reader does not see the button at all.
        h('td', {}, this.context.canWrite ? this.#rebuildButton(row) : null),
      ),
    );
    return h(
      'section',
      { class: 'evidence-probe' },
      h('h2', {}, h('a', { href: routeHref({ page: 'evidence', probe: group.probeId }) }, group.probeId), group.site ? h('span', { class: 'evidence-site' }, ` · site ${group.site}`) : null),
      h('div', { class: 'table-scroll' }, h('table', { class: 'evidence-table' }, h('thead', {}, head), h('tbody', {}, ...rows))),
    );
  }

  #rebuildButton(row: EvidenceRow): HTMLElement {
    const button = h('button', { type: 'button', class: 'rebuild-button' }, 'Rebuild');
    button.addEventListener('click', () => {
      button.disabled = true;
      setText(this.#status, `Rebuilding ${row.title} of ${row.probeId}…`);
      this.context.api
        .rebuildEvidence(row.probeId, row.kind, row.period, this.#controller.signal)
        .then(() => {
          setText(this.#status, `${row.title} of ${row.probeId} rebuilt from the rounds stored now.`);
          this.context.refreshNow();
        })
        .catch((error: unknown) => {
          if (isAbort(error) || isUnauthorized(error)) {
            return;
          }

          setText(
            this.#status,
            isForbidden(error) ? 'The API refused: rebuilding a pack needs the Admin role.' : `Rebuild failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        })
        .finally(() => {
          button.disabled = false;
        });
    });
    return button;
  }
}
