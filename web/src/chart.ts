// The latency chart: SmokePing's "smoke" (the min–max band around the median) with uPlot, loss as red
// bars on their own 0–100 % scale, incidents as shaded spans behind everything, drag to zoom and
// double-click to zoom out. A refresh calls update(): uPlot's setData, never a new chart.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatRtt } from './format.ts';
import { incidentTypeInfo } from './incidentTypes.ts';
import { type ChartColumns, type OverlayRange, smokeBand, toAlignedData } from './series.ts';

/** Draws the incident spans at the start of every redraw, so series and axes paint over them. */
export function incidentPlugin(ranges: () => readonly OverlayRange[]): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (u: uPlot) => {
        const { ctx, bbox } = u;
        ctx.save();
        for (const range of ranges()) {
          const left = u.valToPos(range.start, 'x', true);
          const right = u.valToPos(range.end, 'x', true);
          const x0 = Math.max(bbox.left, Math.min(left, right));
          const x1 = Math.min(bbox.left + bbox.width, Math.max(left, right));
          if (x1 < bbox.left || x0 > bbox.left + bbox.width) {
            continue;
          }

          ctx.fillStyle = incidentTypeInfo(range.type).colour;
          // At least two pixels, so a 30-second incident on a 30-day chart is still seen.
          ctx.fillRect(x0, bbox.top, Math.max(x1 - x0, 2 * uPlot.pxRatio), bbox.height);
        }

        ctx.restore();
      },
    },
  };
}

export class LatencyChart {
  readonly element: HTMLElement;
  #plot: uPlot | null = null;
  #ranges: readonly OverlayRange[] = [];
  #fullX: [number, number] | null = null;
  readonly #resize: ResizeObserver;

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'latency-chart';
    this.#resize = new ResizeObserver(() => this.#fit());
    this.#resize.observe(this.element);
  }

  /** The uPlot instance, for tests that check what was drawn. */
  get plot(): uPlot | null {
    return this.#plot;
  }

  update(columns: ChartColumns, ranges: readonly OverlayRange[]): void {
    this.#ranges = ranges;
    const data = toAlignedData(columns) as uPlot.AlignedData;
    const first = columns.x[0];
    const last = columns.x[columns.x.length - 1];
    const fullX: [number, number] | null = first !== undefined && last !== undefined ? [first, last] : null;

    if (!this.#plot) {
      this.#fullX = fullX;
      this.#plot = new uPlot(this.#options(), data, this.element);
      return;
    }

    // Keep a zoom the user made across refreshes; otherwise follow the sliding window.
    const { min, max } = this.#plot.scales['x'] ?? {};
    const zoomed =
      this.#fullX !== null && min !== undefined && max !== undefined && (min > this.#fullX[0] + 1e-6 || max < this.#fullX[1] - 1e-6);
    this.#fullX = fullX;
    this.#plot.setData(data, true);
    if (zoomed) {
      this.#plot.setScale('x', { min: min!, max: max! });
    }
  }

  dispose(): void {
    this.#resize.disconnect();
    this.#plot?.destroy();
    this.#plot = null;
  }

  #size(): { width: number; height: number } {
    const width = Math.max(240, Math.floor(this.element.clientWidth || 600));
    return { width, height: width < 500 ? 220 : 320 };
  }

  #fit(): void {
    if (this.#plot) {
      const size = this.#size();
      if (size.width !== this.#plot.width || size.height !== this.#plot.height) {
        this.#plot.setSize(size);
      }
    }
  }

  #options(): uPlot.Options {
    const bars = uPlot.paths.bars?.({ size: [0.9, 12], align: 0 });
    // Axis text and grid in the page's colours, so the chart reads in dark mode too.
    const css = getComputedStyle(this.element);
    const text = css.getPropertyValue('--muted').trim() || '#5b6472';
    const grid = { stroke: css.getPropertyValue('--border').trim() || '#dde1e7', width: 1 };
    const axis = { stroke: text, grid, ticks: grid };
    const rtt = (_: uPlot, value: number | null): string => (value === null ? '–' : formatRtt(value));
    return {
      ...this.#size(),
      cursor: { drag: { x: true, y: false, setScale: true } },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      scales: {
        x: { time: true },
        ms: { auto: true, range: (_u, min, max) => [0, Math.max(max * 1.1, min + 1, 1)] },
        loss: { auto: false, range: [0, 100] },
      },
      series: [
        {},
        { label: 'min', scale: 'ms', stroke: 'rgba(37, 99, 235, 0.35)', width: 1, value: rtt, points: { show: false } },
        { label: 'median', scale: 'ms', stroke: 'rgb(29, 78, 216)', width: 1.5, value: rtt, points: { show: false } },
        { label: 'max', scale: 'ms', stroke: 'rgba(37, 99, 235, 0.35)', width: 1, value: rtt, points: { show: false } },
        {
          label: 'loss',
          scale: 'loss',
          stroke: 'rgb(220, 38, 38)',
          // Light enough that the incident shading and the smoke stay visible through a 100 % bar.
          fill: 'rgba(220, 38, 38, 0.35)',
          width: 0,
          ...(bars ? { paths: bars } : {}),
          points: { show: false },
          value: (_: uPlot, value: number | null) => (value === null ? '0 %' : `${value.toFixed(1)} %`),
        },
      ],
      bands: [{ ...smokeBand, fill: 'rgba(59, 130, 246, 0.22)' }],
      axes: [
        axis,
        { ...axis, scale: 'ms', label: 'RTT (ms)', size: 56 },
        {
          ...axis,
          scale: 'loss',
          side: 1,
          label: 'loss %',
          size: 48,
          grid: { show: false },
          ticks: { show: false },
          values: (_u, splits) => splits.map((v) => `${v}`),
        },
      ],
      legend: { live: true },
      hooks: {
        // The visible time range, readable from outside (the end-to-end test checks zoom with it).
        setScale: [
          (u: uPlot, key: string) => {
            if (key === 'x') {
              this.element.dataset['xMin'] = String(u.scales['x']?.min ?? '');
              this.element.dataset['xMax'] = String(u.scales['x']?.max ?? '');
            }
          },
        ],
      },
      plugins: [incidentPlugin(() => this.#ranges)],
    };
  }
}
