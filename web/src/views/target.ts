// One target: its latency smoke chart over the chosen range, loss, incidents on the chart and below
// it, and download links. A refresh slides the window to now and calls the chart's setData.

import { ApiError, muteForAnHour, type Incident, type Series, type Target, type TargetList } from '../api.ts';
import { LatencyChart } from '../chart.ts';
import { CompareChart, comparablePeers } from '../compare.ts';
import { h, setAttr, setClass, setText } from '../dom.ts';
import { formatAgo, formatDateTime, formatPercent, formatRtt, parseTime } from '../format.ts';
import { incidentTypeNames, incidentTypes } from '../incidentTypes.ts';
import type { View } from '../live.ts';
import { routeHref } from '../router.ts';
import { incidentOverlay, ranges, rangeWindow, toChartColumns, type RangeKey } from '../series.ts';
import { labeller } from '../labels.ts';
import { classifyTarget } from '../status.ts';
import type { ViewContext } from './context.ts';
import { IncidentTable } from './incident-table.ts';
import { ShareDialog } from './share-dialog.ts';
import { HeatmapChart } from './heatmap.ts';
import { estimateNote } from './ranking.ts';

export class TargetView implements View {
  readonly element: HTMLElement;
  readonly #title = h('h1');
  readonly #badge = h('span', { class: 'badge' });
  readonly #host = h('p', { class: 'host' });
  readonly #description = h('p', { class: 'description' });
  readonly #stats = {
    rtt: h('dd'),
    loss: h('dd'),
    uptime: h('dd'),
    thresholds: h('dd'),
    lastSample: h('dd'),
    resolution: h('dd'),
    jitter: h('dd', { title: 'Mean absolute difference of consecutive replies’ RTTs over the last 7 days.' }),
    mos: h('dd', { title: estimateNote }),
  };
  // Hour-of-day patterns (issue 17): fetched on show and every 5 minutes, not on every refresh.
  readonly #lossMap = new HeatmapChart('loss');
  readonly #p95Map = new HeatmapChart('p95');
  readonly #weeks = h('select', { 'aria-label': 'Heatmap weeks' }, h('option', { value: '4' }, '4 weeks'), h('option', { value: '8' }, '8 weeks'));
  readonly #heatmapStatus = h('p', { class: 'heatmap-status', role: 'status' });
  #evidenceAt = 0;
  readonly #chart = new LatencyChart();
  readonly #incidents: IncidentTable;
  readonly #mute = h('button', { type: 'button', class: 'mute-button' }, 'Mute 1 h');
  readonly #muteStatus = h('span', { class: 'mute-status', role: 'status' });
  #target: { probeId: string; name: string } | null = null;
  readonly #csv = h('a', { class: 'download', download: '' }, 'CSV');
  readonly #json = h('a', { class: 'download', download: '' }, 'JSON');
  readonly #notFound = h('p', { class: 'error', hidden: true });
  readonly #content: HTMLElement;
  #series: Series | null = null;
  readonly #compare = h('button', { type: 'button', class: 'compare-button', hidden: true }, 'Compare probes');
  readonly #compareChart = new CompareChart();
  readonly #compareBox = h('div', { class: 'compare', hidden: true }, h('h2', {}, 'Seen from each probe'), this.#compareChart.element);
  #comparing = false;
  #list: TargetList | null = null;
  #peers: Target[] = [];
  readonly #retire = h('button', { type: 'button', class: 'retire-target' }, 'Retire target');
  readonly #retireStatus = h('span', { class: 'retire-status', role: 'status' });

  constructor(
    private readonly context: ViewContext,
    private readonly id: string,
    private readonly range: RangeKey,
  ) {
    this.#incidents = new IncidentTable({
      showTarget: false,
      emptyText: 'No incidents in this range.',
      ...(context.canWrite ? { acknowledge: (incident: Incident) => context.api.acknowledge(incident.id) } : {}),
    });
    this.#mute.addEventListener('click', () => void this.#muteForAnHour());
    this.#retire.addEventListener('click', () => void this.#retireTarget());
    this.#compare.addEventListener('click', () => {
      this.#comparing = !this.#comparing;
      this.#compareBox.hidden = !this.#comparing;
      setText(this.#compare, this.#comparing ? 'Hide comparison' : `Compare probes (${this.#peers.length + 1})`);
      context.refreshNow();
    });
    const picker = h(
      'nav',
      { class: 'range-picker', 'aria-label': 'Time range' },
      ...(Object.keys(ranges) as RangeKey[]).map((key) =>
        h(
          'a',
          { href: routeHref({ page: 'target', id, range: key }), class: key === range ? 'active' : '', 'aria-current': key === range ? 'page' : undefined },
          ranges[key].label,
        ),
      ),
    );
    const legend = h(
      'ul',
      { class: 'chart-legend' },
      h('li', {}, h('span', { class: 'swatch smoke' }), 'min–max'),
      h('li', {}, h('span', { class: 'swatch median' }), 'median'),
      h('li', {}, h('span', { class: 'swatch loss' }), 'loss % (right axis)'),
      // A target's chart shows its own incidents only: probe-level kinds have no target.
      ...incidentTypeNames
        .filter((type) => incidentTypes[type].subject === 'target')
        .map((type) => h('li', {}, legendSwatch(incidentTypes[type].colour), `${incidentTypes[type].label} incident`)),
    );
    const stat = (label: string, dd: HTMLElement): HTMLElement => h('div', {}, h('dt', {}, label), dd);
    this.#content = h(
      'div',
      {},
      h('div', { class: 'target-head' }, this.#badge, this.#title),
      // Admin only: a one-off maintenance window for this target from now for an hour.
      context.canWrite && h('p', { class: 'mute' }, this.#mute, ' ', this.#muteStatus, ' ', this.#retire, ' ', this.#retireStatus),
      // Admin only: a read-only link for someone without an account (views/share-dialog.ts).
      context.canWrite && new ShareDialog(context.api, id).element,
      this.#host,
      this.#description,
      h(
        'dl',
        { class: 'stats' },
        stat('last RTT', this.#stats.rtt),
        stat('loss 1 h', this.#stats.loss),
        stat('uptime 24 h', this.#stats.uptime),
        stat('thresholds', this.#stats.thresholds),
        stat('last sample', this.#stats.lastSample),
        stat('resolution', this.#stats.resolution),
        stat('jitter 7 d', this.#stats.jitter),
        stat('MOS 7 d (estimate)', this.#stats.mos),
      ),
      picker,
      this.#chart.element,
      legend,
      h('p', { class: 'hint' }, 'Drag across the chart to zoom in; double-click to zoom out.'),
      // Is it us or them: the same host or name watched by other probes, on one chart.
      h('p', { class: 'compare-offer' }, this.#compare),
      this.#compareBox,
      h('p', { class: 'downloads' }, `Samples of the last ${ranges[range].label}: `, this.#csv, ' · ', this.#json),
      h('h2', {}, 'Incidents in this range'),
      this.#incidents.element,
      h('h2', {}, 'Hour-of-day patterns'),
      h('p', { class: 'heatmap-controls' }, this.#weeks, ' ', this.#heatmapStatus),
      h('div', { class: 'heatmaps' }, this.#lossMap.element, this.#p95Map.element),
    );
    this.#weeks.addEventListener('change', () => {
      this.#evidenceAt = 0;
      context.refreshNow();
    });
    this.element = h('section', { class: 'page target' }, h('p', { class: 'crumbs' }, h('a', { href: '#/' }, '← Overview')), this.#notFound, this.#content);
  }

  async #muteForAnHour(): Promise<void> {
    if (!this.#target) {
      return;
    }

    this.#mute.disabled = true;
    setText(this.#muteStatus, 'Muting…');
    try {
      const window = await this.context.api.addMaintenanceWindow(muteForAnHour(this.#target, this.context.now()));
      setText(this.#muteStatus, `Muted until ${formatDateTime(window.end)}: incidents are recorded, not announced.`);
    } catch (error) {
      setText(this.#muteStatus, error instanceof ApiError && error.status === 403 ? 'The API refused: muting needs the Admin role.' : 'Not muted: the API did not answer.');
    } finally {
      this.#mute.disabled = false;
    }
  }

  /** The chart, for the end-to-end test's look at what was drawn. */
  get chart(): LatencyChart {
    return this.#chart;
  }

  async refresh(signal: AbortSignal): Promise<void> {
    const now = this.context.now();
    const { from, to } = rangeWindow(this.range, now);
    let series: Series;
    let incidents: Incident[];
    try {
      const [s, targetIncidents, list] = await Promise.all([
        this.context.api.series(this.id, from, to, signal),
        this.context.api.incidents({ target: this.id, from, to, state: 'all' }, signal),
        // Only for the probe's name in the title and the peers to compare with: the page works without it.
        this.context.api.targets(signal).catch((): TargetList | null => null),
      ]);
      series = s;
      incidents = targetIncidents.incidents ?? [];
      this.#list = list;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        this.#showNotFound();
        return;
      }

      throw error;
    }

    signal.throwIfAborted();
    this.#series = series;
    this.#notFound.hidden = true;
    this.#content.hidden = false;
    this.#render(series, incidents, from, to, now);
    if (this.#comparing && this.#peers.length > 0) {
      await this.#drawComparison(series, from, to, signal);
    }

    if (now.getTime() - this.#evidenceAt >= evidenceRefetchMs) {
      await this.#drawEvidence(now, signal);
    }
  }

  /** The heatmaps and the week's jitter and MOS; a failure here leaves the rest of the page as it is. */
  async #drawEvidence(now: Date, signal: AbortSignal): Promise<void> {
    const weeks = Number(this.#weeks.value) || 4;
    try {
      const [loss, p95, quality] = await Promise.all([
        this.context.api.heatmap(this.id, 'loss', weeks, signal),
        this.context.api.heatmap(this.id, 'p95', weeks, signal),
        this.context.api.quality(this.id, new Date(now.getTime() - 7 * 86_400_000), now, signal),
      ]);
      signal.throwIfAborted();
      this.#evidenceAt = now.getTime();
      this.#lossMap.update(loss);
      this.#p95Map.update(p95);
      setText(this.#heatmapStatus, `Local hours in ${loss.timeZone}; hover a cell for its figures.`);
      setText(this.#stats.jitter, quality.quality.jitterMs === null ? '—' : formatRtt(quality.quality.jitterMs));
      setText(this.#stats.mos, quality.quality.mos === null ? '—' : `${quality.quality.mos.toFixed(2)} (est.)`);
    } catch (error) {
      if (signal.aborted) throw error;
      setText(this.#heatmapStatus, 'The heatmaps could not be loaded; they are tried again with the next refresh.');
    }
  }

  async #drawComparison(series: Series, from: Date, to: Date, signal: AbortSignal): Promise<void> {
    const label = labeller(this.#list ?? {});
    const peers = await Promise.all(this.#peers.map((p) => this.context.api.series(p.id, from, to, signal).catch(() => null)));
    signal.throwIfAborted();
    const lines = [series, ...peers]
      .filter((s): s is Series => s !== null)
      .map((s) => ({ label: `${label(s.target.probeId, s.target.name)} (probe ${s.target.probeId})`, series: s }));
    this.#compareChart.update(lines);
  }

  async #retireTarget(): Promise<void> {
    this.#retire.disabled = true;
    try {
      await this.context.api.retireTarget(this.id, true);
      setText(this.#retireStatus, 'Retired: gone from the overview, kept here and in history. Rounds after now bring it back.');
    } catch (error) {
      setText(this.#retireStatus, error instanceof ApiError && error.status === 403 ? 'The API refused: retiring needs the Admin role.' : 'Not retired: the API did not answer.');
    } finally {
      this.#retire.disabled = false;
    }
  }

  tick(now: Date): void {
    const last = parseTime(this.#series?.target.lastSampleAt);
    if (this.#series) {
      setText(this.#stats.lastSample, last ? formatAgo(last, now) : 'never');
    }

    this.#incidents.tick(now);
  }

  dispose(): void {
    this.#chart.dispose();
    this.#compareChart.dispose();
  }

  #render(series: Series, incidents: Incident[], from: Date, to: Date, now: Date): void {
    const target = series.target;
    const status = classifyTarget(target, undefined, now);
    const title = this.#list ? labeller(this.#list)(target.probeId, target.name) : target.name;
    document.title = `${title} · NetPulse`;
    setText(this.#title, title);
    this.#peers = this.#list ? comparablePeers(target, this.#list.targets ?? []) : [];
    this.#compare.hidden = this.#peers.length === 0;
    if (!this.#comparing) {
      setText(this.#compare, `Compare probes (${this.#peers.length + 1})`);
    }

    this.#target = { probeId: target.probeId, name: target.name };
    setText(this.#badge, status.label);
    setClass(this.#badge, `badge status-${status.health}`);
    setText(this.#host, `${target.host} · probe ${target.probeId}${target.category ? ` · ${target.category}` : ''}${target.uplink ? ' · uplink' : ''}`);
    setText(this.#description, target.description ?? '');
    this.#description.hidden = !target.description;
    setText(this.#stats.rtt, formatRtt(target.lastRttMs));
    setText(this.#stats.loss, formatPercent(target.loss1hPercent));
    setText(this.#stats.uptime, formatPercent(target.uptime24hPercent, 2));
    setText(this.#stats.thresholds, `${formatRtt(target.latencyThresholdMs)}, ${formatPercent(target.lossThresholdPercent)} loss`);
    setText(this.#stats.resolution, series.resolution === 'raw' ? `every sample (${series.stepSeconds} s)` : `${series.resolution} (min / median / max)`);
    this.tick(now);

    this.#chart.update(toChartColumns(series), incidentOverlay(incidents, from, to, now));
    this.#incidents.update(incidents, now);
    setAttr(this.#csv, 'href', this.context.api.exportUrl(this.id, from, to, 'csv'));
    setAttr(this.#json, 'href', this.context.api.exportUrl(this.id, from, to, 'json'));
  }

  #showNotFound(): void {
    setText(this.#notFound, `There is no target with the id "${this.id}". It may have been renamed or removed from the probe's configuration.`);
    this.#notFound.hidden = false;
    this.#content.hidden = true;
    document.title = 'Unknown target · NetPulse';
  }
}

/** The heatmaps and quality figures change by the hour: fetched again after this long. */
const evidenceRefetchMs = 5 * 60_000;

function legendSwatch(colour: string): HTMLElement {
  const swatch = h('span', { class: 'swatch' });
  // CSSOM, not a style attribute: allowed by a CSP without 'unsafe-inline'.
  swatch.style.background = colour;
  return swatch;
}
