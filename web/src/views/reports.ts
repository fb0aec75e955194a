// Reports: the dates that have a daily report, and one day's report as a table of targets with their
// grades, plus downloads (the report's JSON, and each target's samples of that day as CSV or JSON).

import { ApiError, isAbort, isForbidden, isUnauthorized, type ReportBody } from '../api.ts';
import { h, replaceChildren, setText } from '../dom.ts';
import { formatDateTime, formatDuration, formatNumber, formatPercent, formatRtt, parseTime } from '../format.ts';
import type { View } from '../live.ts';
import { routeHref } from '../router.ts';
import { gradeClass, readReport, type ReportRow } from '../report.ts';
import type { ViewContext } from './context.ts';

export class ReportsView implements View {
  readonly element: HTMLElement;
  readonly #dates = h('ul', { class: 'report-dates' });
  readonly #detail = h('div', { class: 'report' });
  readonly #message = h('p', { class: 'empty', hidden: true });
  #datesKey = '';
  #reportKey = '';
  readonly #rebuild: HTMLElement | null;
  readonly #rebuildStatus = h('span', { class: 'rebuild-status', role: 'status' });
  readonly #rebuildController = new AbortController();

  constructor(
    private readonly context: ViewContext,
    private readonly date: string | null,
  ) {
    // Admin only (with sign-in): a Reader does not see the button at all.
    this.#rebuild = date && context.canWrite ? this.#rebuildControl(date) : null;
    this.element = h(
      'section',
      { class: 'page reports' },
      h('h1', {}, date ? `Report ${date}` : 'Daily reports'),
      this.#rebuild,
      this.#message,
      h('div', { class: 'reports-layout' }, h('nav', { class: 'report-list', 'aria-label': 'Report dates' }, this.#dates), this.#detail),
    );
  }

  async refresh(signal: AbortSignal): Promise<void> {
    const [dates, report, targets] = await Promise.all([
      this.context.api.reportDates(signal),
      this.date ? this.#loadReport(this.date, signal) : Promise.resolve(null),
      // A report names targets by probe and name; the target list gives their ids for links and exports.
      this.date ? this.context.api.targets(signal) : Promise.resolve(null),
    ]);
    signal.throwIfAborted();
    this.#renderDates(dates.dates ?? []);
    if (this.date) {
      const ids = new Map<string, string>((targets?.targets ?? []).map((t) => [idKey(t.probeId, t.name), t.id]));
      this.#renderReport(this.date, report, ids);
    }
  }

  dispose(): void {
    this.#rebuildController.abort();
  }

  #rebuildControl(date: string): HTMLElement {
    const button = h('button', { type: 'button', class: 'rebuild-button' }, 'Rebuild this report');
    button.addEventListener('click', () => {
      button.disabled = true;
      setText(this.#rebuildStatus, 'Rebuilding…');
      this.context.api
        .rebuildReport(date, this.#rebuildController.signal)
        .then(() => {
          setText(this.#rebuildStatus, 'Rebuilt from the samples stored now.');
          this.context.refreshNow();
        })
        .catch((error: unknown) => {
          if (isAbort(error) || isUnauthorized(error)) {
            return;
          }

          setText(
            this.#rebuildStatus,
            isForbidden(error)
              ? 'The API refused: rebuilding a report needs the Admin role.'
              : `Rebuild failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        })
        .finally(() => {
          button.disabled = false;
        });
    });
    return h('p', { class: 'rebuild' }, button, ' ', this.#rebuildStatus);
  }

  async #loadReport(date: string, signal: AbortSignal): Promise<ReportBody | null> {
    try {
      return await this.context.api.report(date, signal);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        return null;
      }

      throw error;
    }
  }

  #renderDates(dates: readonly string[]): void {
    const key = dates.join(',');
    this.#message.hidden = dates.length !== 0;
    setText(this.#message, dates.length ? '' : 'No daily reports yet: the first is built shortly after midnight (report time zone) following a day with samples.');
    if (key === this.#datesKey) {
      return;
    }

    this.#datesKey = key;
    replaceChildren(
      this.#dates,
      ...dates.map((date) =>
        h('li', {}, h('a', { href: routeHref({ page: 'reports', date }), class: date === this.date ? 'active' : '', 'aria-current': date === this.date ? 'page' : undefined }, date)),
      ),
    );
  }

  #renderReport(date: string, body: ReportBody | null, ids: ReadonlyMap<string, string>): void {
    // A stored report rarely changes (a rebuild of that day): rebuild the table only when it did.
    const key = body === null ? 'missing' : JSON.stringify([body, [...ids]]);
    if (key === this.#reportKey) {
      return;
    }

    this.#reportKey = key;
    if (body === null) {
      replaceChildren(this.#detail, h('p', { class: 'error' }, `There is no report for ${date}.`));
      return;
    }

    const report = readReport(body);
    for (const row of report.rows) {
      row.targetId ??= ids.get(idKey(row.probeId, row.name)) ?? null;
    }

    const dayStart = parseTime(report.from) ?? new Date(`${date}T00:00:00Z`);
    const dayEnd = parseTime(report.to) ?? new Date(dayStart.getTime() + 86_400_000);
    const api = this.context.api;

    const facts = report.facts.length
      ? h('dl', { class: 'report-facts' }, ...report.facts.map((f) => h('div', {}, h('dt', {}, f.label), h('dd', {}, factText(f.text)))))
      : null;
    const downloads = h(
      'p',
      { class: 'downloads' },
      'Download: ',
      h('a', { href: api.reportUrl(date), download: `netpulse-report-${date}.json`, class: 'download' }, 'report JSON'),
      ' · ',
      h('a', { href: api.reportUrl(date, 'csv'), download: `netpulse-report-${date}.csv`, class: 'download' }, 'report CSV'),
    );

    const head = h(
      'tr',
      {},
      ...['Target', 'Grade', 'Uptime', 'p50 RTT', 'p95 RTT', 'Loss', 'Incidents', 'Downtime', 'Samples'].map((t) => h('th', { scope: 'col' }, t)),
    );
    const rows = report.rows.map((row) => reportRow(row, (id, format) => api.exportUrl(id, dayStart, dayEnd, format)));
    const table = report.rows.length
      ? h('div', { class: 'table-scroll' }, h('table', { class: 'report-table' }, h('thead', {}, head), h('tbody', {}, ...rows)))
      : h('p', { class: 'empty' }, 'This report lists no targets.');
    replaceChildren(this.#detail, facts, downloads, table);
  }
}

function reportRow(row: ReportRow, exportUrl: (id: string, format: 'csv' | 'json') => string): HTMLTableRowElement {
  const name = row.targetId ? h('a', { href: routeHref({ page: 'target', id: row.targetId, range: '24h' }) }, row.name) : row.name;
  const advice = row.recommendations.length ? h('ul', { class: 'advice' }, ...row.recommendations.map((r) => h('li', {}, r))) : null;
  const samples = row.targetId
    ? h('td', {}, h('a', { href: exportUrl(row.targetId, 'csv'), class: 'download' }, 'CSV'), ' ', h('a', { href: exportUrl(row.targetId, 'json'), class: 'download' }, 'JSON'))
    : h('td', {}, '–');
  return h(
    'tr',
    {},
    h('td', { class: 'target-name' }, name, advice),
    h('td', {}, h('span', { class: gradeClass(row.grade), title: row.gradeReason ?? undefined }, row.grade ?? '–'), row.gradeReason && h('div', { class: 'grade-reason' }, row.gradeReason)),
    h('td', { class: 'num' }, formatPercent(row.uptimePercent, 2)),
    h('td', { class: 'num' }, formatRtt(row.p50Ms)),
    h('td', { class: 'num' }, formatRtt(row.p95Ms)),
    h('td', { class: 'num' }, formatPercent(row.lossPercent, 2)),
    h('td', { class: 'num' }, row.incidents === null ? '–' : formatNumber(row.incidents, 0)),
    h(
      'td',
      { class: 'num' },
      formatDuration(row.downtimeSeconds),
      // Maintenance: apart from the unplanned downtime, and not in the uptime or grade.
      row.plannedDowntimeSeconds ? h('div', { class: 'planned-downtime' }, `+${formatDuration(row.plannedDowntimeSeconds)} planned`) : null,
    ),
    samples,
  );
}

function idKey(probeId: string | null, name: string): string {
  return `${probeId ?? ''}\u0000${name}`;
}

/** Times (the day's UTC bounds, when it was built) in the reader's local time; anything else as sent. */
function factText(text: string): string {
  return /^\d{4}-\d{2}-\d{2}T/.test(text) && parseTime(text) ? formatDateTime(text) : text;
}
