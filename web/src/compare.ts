// "Is it us or them": the same target seen from several probes on one chart, each probe's median RTT as a
// line and its loss as a dashed line on the 0–100 % scale. Peers are targets of other probes with the same host
// or the same name. The columns come from each probe's series (GET /targets/{id}/series) through
// toChartColumns, so holes stay holes; the chart is uPlot like the target's own (chart.ts).

import uPlot from 'uplot';
import type { Series, Target } from './api.ts';
import { formatRtt } from './format.ts';
import { toChartColumns } from './series.ts';

/** Other probes' targets that watch the same host, or carry the same name, as `target`. */
export function comparablePeers(target: Pick<Target, 'id' | 'probeId' | 'name' | 'host'>, all: readonly Target[]): Target[] {
  return all
    .filter((t) => t.id !== target.id && t.probeId !== target.probeId && (t.host === target.host || t.name === target.name))
    .sort((a, b) => a.probeId.localeCompare(b.probeId));
}

export interface CompareLine {
  label: string;
  series: Pick<Series, 'from' | 'to' | 'stepSeconds' | 'points'>;
}

/** uPlot data: one x (the union of every series' times), then each line's median RTT, then each line's loss (0 → null). */
export function compareData(lines: readonly CompareLine[]): [number[], ...(number | null)[][]] {
  const columns = lines.map((l) => toChartColumns(l.series));
  const x = [...new Set(columns.flatMap((c) => c.x))].sort((a, b) => a - b);
  const at = columns.map((c) => new Map(c.x.map((t, i) => [t, i])));
  const pick = (values: (number | null)[], index: Map<number, number>): (number | null)[] =>
    x.map((t) => {
      const i = index.get(t);
      return i === undefined ? null : (values[i] ?? null);
    });
  return [x, ...columns.map((c, i) => pick(c.p50, at[i]!)), ...columns.map((c, i) => pick(c.loss, at[i]!))];
}

const palette = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0e7490'];

export class CompareChart {
  readonly element: HTMLElement;
  #plot: uPlot | null = null;
  #labels = '';

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'compare-chart';
  }

  /** The uPlot instance, for tests that check what was drawn. */
  get plot(): uPlot | null {
    return this.#plot;
  }

  update(lines: readonly CompareLine[]): void {
    const data = compareData(lines) as uPlot.AlignedData;
    const labels = lines.map((l) => l.label).join('\n');
    if (this.#plot && labels === this.#labels) {
      this.#plot.setData(data, true);
      return;
    }

    this.#plot?.destroy();
    this.#labels = labels;
    const rtt = (_: uPlot, value: number | null): string => (value === null ? '–' : formatRtt(value));
    const width = Math.max(240, Math.floor(this.element.clientWidth || 600));
    // Labels are text from config: uPlot sets legend labels as text, never as markup.
    this.#plot = new uPlot(
      {
        width,
        height: width < 500 ? 220 : 300,
        scales: { x: { time: true }, ms: { auto: true }, loss: { auto: false, range: [0, 100] } },
        series: [
          {},
          ...lines.map((l, i) => ({ label: `${l.label} median`, scale: 'ms', stroke: palette[i % palette.length]!, width: 1.5, value: rtt, points: { show: false } })),
          ...lines.map((l, i) => ({
            label: `${l.label} loss`,
            scale: 'loss',
            stroke: palette[i % palette.length]!,
            dash: [4, 4],
            width: 1,
            points: { show: false },
            value: (_: uPlot, v: number | null) => (v === null ? '0 %' : `${v.toFixed(1)} %`),
          })),
        ],
        axes: [{}, { scale: 'ms', label: 'RTT (ms)', size: 56 }, { scale: 'loss', side: 1, label: 'loss %', size: 48, grid: { show: false } }],
        legend: { live: true },
      },
      data,
      this.element,
    );
  }

  dispose(): void {
    this.#plot?.destroy();
    this.#plot = null;
  }
}
