// The worst targets over a range (#/ranking?range=7d&by=loss): loss, p95, jitter, MOS and coverage per target, worst
// first; targets without a round in the range are listed apart, never as 0 %. Names are config text: set as text.

import type { QualityFigures, Ranking, RankingMetric } from '../api.ts';
import { h, replaceChildren, setText } from '../dom.ts';
import { formatDateTime, formatPercent, formatRtt } from '../format.ts';
import type { View } from '../live.ts';
import { routeHref } from '../router.ts';
import type { ViewContext } from './context.ts';

export const rankingMetrics: Record<RankingMetric, string> = { loss: 'Loss', p95: 'p95 RTT', jitter: 'Jitter' };

/** The ranges the API serves (at most 31 days). */
export const rankingRanges = { '24h': { label: '24 h', days: 1 }, '7d': { label: '7 days', days: 7 }, '31d': { label: '31 days', days: 31 } } as const;

/** How long a fetched ranking is shown before it is asked for again. */
export const refetchAfterMs = 60_000;

export type RankingRange = keyof typeof rankingRanges;

export function isRankingRange(value: string | null | undefined): value is RankingRange {
  return value !== null && value !== undefined && Object.hasOwn(rankingRanges, value);
}

export function isRankingMetric(value: string | null | undefined): value is RankingMetric {
  return value !== null && value !== undefined && Object.hasOwn(rankingMetrics, value);
}

/** Says the MOS and multi-hour p95 are estimates, wherever they are shown. */
export const estimateNote =
  'An estimate: MOS is the simplified ITU-T G.107 E-model from average RTT, jitter and loss (it rates a line for calls, it does not measure one); p95 over more than an hour is pooled from the hours’ stored quantiles.';

export interface RankingRow {
  rank: number | null;
  id: string;
  name: string;
  probeId: string;
  href: string;
  loss: string;
  p95: string;
  jitter: string;
  mos: string;
  coverage: string;
}

/** Table rows: ranked targets numbered worst first, then those without data (no rank, dashes, not 0 %). */
export function rankingRows(ranking: Pick<Ranking, 'targets' | 'noData'>): { ranked: RankingRow[]; noData: RankingRow[] } {
  const row = (rank: number | null) => (t: Ranking['targets'][number]): RankingRow => ({
    rank,
    id: t.id,
    name: t.name,
    probeId: t.probeId,
    href: routeHref({ page: 'target', id: t.id, range: '7d' }),
    ...qualityTexts(t.quality),
  });
  return {
    ranked: ranking.targets.map((t, i) => row(i + 1)(t)),
    noData: ranking.noData.map((t) => row(null)(t)),
  };
}

/** The figures as shown; a missing figure is a dash, never 0. */
export function qualityTexts(q: QualityFigures): Pick<RankingRow, 'loss' | 'p95' | 'jitter' | 'mos' | 'coverage'> {
  return {
    loss: q.rounds === 0 ? '—' : formatPercent(q.lossPercent, 2),
    p95: q.p95Ms === null ? '—' : formatRtt(q.p95Ms),
    jitter: q.jitterMs === null ? '—' : formatRtt(q.jitterMs),
    mos: q.mos === null ? '—' : q.mos.toFixed(2),
    coverage: `${q.coveragePercent.toFixed(1)} %`,
  };
}

export class RankingView implements View {
  readonly element: HTMLElement;
  readonly #body = h('tbody');
  readonly #noDataList = h('ul', { class: 'ranking-nodata' });
  readonly #noDataBox = h('div', { hidden: true }, h('h2', {}, 'No data in this range'), h('p', { class: 'hint' }, 'No round was stored for these targets in the range: not ranked, and not 0 %.'), this.#noDataList);
  readonly #status = h('p', { class: 'ranking-status', role: 'status' });
  #fetchedAt = 0;

  constructor(
    private readonly context: ViewContext,
    private readonly range: RankingRange,
    private readonly by: RankingMetric,
  ) {
    const pick = <K extends string>(label: string, keys: readonly K[], text: (k: K) => string, href: (k: K) => string, current: K): HTMLElement =>
      h(
        'nav',
        { class: 'range-picker', 'aria-label': label },
        ...keys.map((k) => h('a', { href: href(k), class: k === current ? 'active' : '', 'aria-current': k === current ? 'page' : undefined }, text(k))),
      );
    const mosHead = h('th', { scope: 'col', title: estimateNote }, 'MOS*');
    this.element = h(
      'section',
      { class: 'page ranking' },
      h('h1', {}, 'Worst targets'),
      pick('Range', Object.keys(rankingRanges) as RankingRange[], (k) => rankingRanges[k].label, (k) => routeHref({ page: 'ranking', range: k, by }), range),
      pick('Rank by', Object.keys(rankingMetrics) as RankingMetric[], (k) => rankingMetrics[k], (k) => routeHref({ page: 'ranking', range, by: k }), by),
      this.#status,
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'ranking-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, '#'),
              h('th', { scope: 'col' }, 'Target'),
              h('th', { scope: 'col' }, 'Probe'),
              h('th', { scope: 'col' }, 'Loss'),
              h('th', { scope: 'col', title: estimateNote }, 'p95*'),
              h('th', { scope: 'col' }, 'Jitter'),
              mosHead,
              h('th', { scope: 'col' }, 'Coverage'),
            ),
          ),
          this.#body,
        ),
      ),
      h('p', { class: 'hint', title: estimateNote }, '* estimates: ', estimateNote),
      this.#noDataBox,
    );
  }

  async refresh(signal: AbortSignal): Promise<void> {
    const to = this.context.now();
    // A month of every target's hours is no live figure: asked again once a minute, not on every refresh.
    if (to.getTime() - this.#fetchedAt < refetchAfterMs) {
      return;
    }

    const from = new Date(to.getTime() - rankingRanges[this.range].days * 86_400_000);
    const ranking = await this.context.api.ranking({ from, to, by: this.by, limit: 100 }, signal);
    signal.throwIfAborted();
    this.#fetchedAt = to.getTime();
    const { ranked, noData } = rankingRows(ranking);
    setText(
      this.#status,
      `${ranking.ranked} targets ranked by ${rankingMetrics[ranking.by].toLowerCase()}, ${formatDateTime(ranking.from)} to ${formatDateTime(ranking.to)}${ranking.truncated ? ' (the first 100)' : ''}.`,
    );
    replaceChildren(
      this.#body,
      ...ranked.map((r) =>
        h(
          'tr',
          {},
          h('td', {}, String(r.rank)),
          h('td', {}, h('a', { href: r.href }, r.name)),
          h('td', {}, r.probeId),
          h('td', { class: 'num' }, r.loss),
          h('td', { class: 'num', title: estimateNote }, r.p95),
          h('td', { class: 'num' }, r.jitter),
          h('td', { class: 'num', title: estimateNote }, r.mos),
          h('td', { class: 'num' }, r.coverage),
        ),
      ),
    );
    replaceChildren(this.#noDataList, ...noData.map((r) => h('li', {}, h('a', { href: r.href }, r.name), ` · probe ${r.probeId}`)));
    this.#noDataBox.hidden = noData.length === 0;
    document.title = 'Worst targets · NetPulse';
  }

  dispose(): void {}
}
