// The page behind a share link (#/shared/<token>): one target's status, latency chart and incidents, or one evidence
// pack's downloads, for someone without an account (an ISP's engineer). Read-only: no navigation to other targets,
// no admin buttons, and it calls only the /shared/<token> routes, which the token alone opens.

import { ApiError, type ApiClient, type Incident, type Series } from '../api.ts';
import { LatencyChart } from '../chart.ts';
import { h, replaceChildren, setClass, setText } from '../dom.ts';
import { formatDateTime, formatPercent, formatRtt } from '../format.ts';
import type { View } from '../live.ts';
import { incidentOverlay, ranges, toChartColumns, type RangeKey } from '../series.ts';
import { sharedPageModel, type SharedView } from '../shares.ts';
import { classifyTarget } from '../status.ts';
import { IncidentTable } from './incident-table.ts';

export class SharedPage implements View {
  readonly element: HTMLElement;
  readonly #title = h('h1');
  readonly #badge = h('span', { class: 'badge' });
  readonly #subtitle = h('p', { class: 'host' });
  readonly #validity = h('p', { class: 'share-validity' });
  readonly #stats = { rtt: h('dd'), loss: h('dd'), uptime: h('dd') };
  readonly #chart = new LatencyChart();
  readonly #incidents = new IncidentTable({ showTarget: false, emptyText: 'No incidents in this range.', pathLinks: false });
  readonly #targetPart: HTMLElement;
  readonly #files = h('ul', { class: 'share-files' });
  readonly #packPart = h('div', { hidden: true }, h('h2', {}, 'Downloads'), this.#files);
  readonly #refused = h('p', { class: 'error', hidden: true });
  readonly #content: HTMLElement;
  #range: RangeKey = '24h';

  constructor(
    private readonly api: ApiClient,
    private readonly token: string,
    private readonly now: () => Date,
  ) {
    const picker = h('nav', { class: 'range-picker', 'aria-label': 'Time range' });
    for (const key of Object.keys(ranges) as RangeKey[]) {
      const button = h('button', { type: 'button', class: key === this.#range ? 'active' : '' }, ranges[key].label);
      button.addEventListener('click', () => {
        this.#range = key;
        for (const other of picker.children) setClass(other as HTMLElement, other === button ? 'active' : '');
        void this.refresh(new AbortController().signal);
      });
      picker.append(button);
    }

    const stat = (label: string, dd: HTMLElement): HTMLElement => h('div', {}, h('dt', {}, label), dd);
    this.#targetPart = h(
      'div',
      {},
      h('dl', { class: 'stats' }, stat('last RTT', this.#stats.rtt), stat('loss 1 h', this.#stats.loss), stat('uptime 24 h', this.#stats.uptime)),
      picker,
      this.#chart.element,
      h('h2', {}, 'Incidents in this range'),
      this.#incidents.element,
    );
    this.#content = h('div', {}, h('div', { class: 'target-head' }, this.#badge, this.#title), this.#subtitle, this.#validity, this.#targetPart, this.#packPart);
    this.element = h('section', { class: 'page shared' }, h('p', { class: 'share-banner' }, 'A read-only view shared from NetPulse.'), this.#refused, this.#content);
  }

  /** The chart, for the end-to-end test's look at what was drawn. */
  get chart(): LatencyChart {
    return this.#chart;
  }

  async refresh(signal: AbortSignal): Promise<void> {
    let view: SharedView;
    try {
      view = await this.api.sharedView(this.token, signal);
    } catch (error) {
      if (error instanceof ApiError && [400, 404, 410].includes(error.status)) {
        this.#refuse(error);
        return;
      }

      throw error;
    }

    const now = this.now();
    const model = sharedPageModel(view, now, ranges[this.#range].seconds, (file) => this.api.sharedFileUrl(this.token, file));
    document.title = `${model.title} · NetPulse`;
    setText(this.#title, model.title);
    setText(this.#subtitle, model.subtitle);
    setText(this.#validity, `This link works until ${formatDateTime(model.expiresAt.toISOString())}.`);
    this.#refused.hidden = true;
    this.#content.hidden = false;
    this.#packPart.hidden = view.scope !== 'pack';
    this.#targetPart.hidden = view.scope !== 'target';
    this.#badge.hidden = view.scope !== 'target';
    if (view.scope === 'pack') {
      replaceChildren(this.#files, ...model.files.map((f) => h('li', {}, h('a', { href: f.href, download: '' }, f.name))));
      return;
    }

    if (!view.target || !model.window) {
      return;
    }

    const status = classifyTarget(view.target, undefined, now);
    setText(this.#badge, status.label);
    setClass(this.#badge, `badge status-${status.health}`);
    setText(this.#stats.rtt, formatRtt(view.target.lastRttMs));
    setText(this.#stats.loss, formatPercent(view.target.loss1hPercent));
    setText(this.#stats.uptime, formatPercent(view.target.uptime24hPercent, 2));
    const { from, to } = model.window;
    const [series, incidents]: [Series, { incidents: Incident[] }] = await Promise.all([
      this.api.sharedSeries(this.token, from, to, signal),
      this.api.sharedIncidents(this.token, from, to, signal),
    ]);
    signal.throwIfAborted();
    this.#chart.update(toChartColumns(series), incidentOverlay(incidents.incidents, from, to, now));
    this.#incidents.update(incidents.incidents, now);
  }

  tick(now: Date): void {
    this.#incidents.tick(now);
  }

  dispose(): void {
    this.#chart.dispose();
  }

  #refuse(error: ApiError): void {
    const gone = error.status === 410;
    setText(
      this.#refused,
      gone ? `${error.problem?.title ?? 'This link no longer works'}: ${error.problem?.detail ?? ''}` : 'This share link is not valid here. Check that it was copied whole.',
    );
    this.#refused.hidden = false;
    this.#content.hidden = true;
    document.title = 'Share link · NetPulse';
  }
}
