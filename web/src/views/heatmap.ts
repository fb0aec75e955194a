// An hour-of-day × date heatmap of one target (loss or p95 RTT) as SVG: one row per local date, one column per
// local hour. "No data" is hatched grey, never the colour of zero; the hour the clocks skip is left as a dashed
// outline; the hour they repeat is split in two (the upper half the first, summer-time hour). Every cell has a
// hover title with its figures. Built with the dom helpers only, so nothing from the API becomes markup.

import type { Heatmap, HeatmapCell, HeatmapMetric } from '../api.ts';
import { h, replaceChildren, svg } from '../dom.ts';
import { formatNumber } from '../format.ts';

/** The colour steps, best to worst (a sequential green–yellow–red scale that stays legible in both themes). */
export const heatmapPalette = ['#1a9850', '#91cf60', '#d9ef8b', '#fee08b', '#fc8d59', '#d73027'] as const;

/** Loss scale: 0 % is the first step on its own (a clean hour), then up to 10 % and more. */
export const lossSteps = [0, 0.5, 1, 2.5, 5, 10] as const;

export type HeatmapSlot =
  | { kind: 'cells'; hour: number; cells: HeatmapCell[] }
  | { kind: 'skipped'; hour: number }
  | { kind: 'future'; hour: number };

export interface HeatmapRow {
  date: string;
  slots: HeatmapSlot[];
}

/**
 * The grid: 24 slots per date. A slot holds the hour's cell, or two on the day clocks go back (the repeated hour),
 * or says the clocks skipped it, or that it has not begun yet (after the last cell of the last day).
 */
export function heatmapRows(map: Pick<Heatmap, 'days'>): HeatmapRow[] {
  return map.days.map((day, index) => {
    const last = index === map.days.length - 1;
    const lastHour = day.hours.length === 0 ? -1 : Math.max(...day.hours.map((c) => c.hour));
    const slots: HeatmapSlot[] = [];
    for (let hour = 0; hour < 24; hour++) {
      const cells = day.hours.filter((c) => c.hour === hour);
      if (cells.length > 0) {
        slots.push({ kind: 'cells', hour, cells });
      } else if (day.skippedHours.includes(hour)) {
        slots.push({ kind: 'skipped', hour });
      } else if (last && hour > lastHour) {
        slots.push({ kind: 'future', hour });
      } else {
        // An hour the API did not list and the clocks did not skip: shown as no data rather than left out.
        slots.push({ kind: 'cells', hour, cells: [{ hour, start: '', offsetMinutes: 0, value: null, rounds: 0, coveragePercent: 0 }] });
      }
    }

    return { date: day.date, slots };
  });
}

/** The p95 scale's steps: from the grid's best hour to its worst, in six equal steps (all one step when flat). */
export function p95Steps(map: Pick<Heatmap, 'days'>): number[] {
  const values = map.days.flatMap((d) => d.hours.map((c) => c.value)).filter((v): v is number => v !== null);
  if (values.length === 0) {
    return [0, 0, 0, 0, 0, 0];
  }

  const low = Math.min(...values);
  const high = Math.max(...values);
  return heatmapPalette.map((_, i) => low + ((high - low) * i) / heatmapPalette.length);
}

/** The steps of a metric's scale for this grid. */
export function stepsFor(metric: HeatmapMetric, map: Pick<Heatmap, 'days'>): readonly number[] {
  return metric === 'loss' ? lossSteps : p95Steps(map);
}

/**
 * A value's colour: the last step it reaches. With <zeroApart> (loss) the first colour is kept for exactly 0, so a
 * clean hour and an hour with a little loss never look alike. Null (no data) has no colour: the caller hatches it.
 */
export function colourFor(value: number | null, steps: readonly number[], zeroApart = false): string | null {
  if (value === null) {
    return null;
  }

  let index = 0;
  steps.forEach((step, i) => {
    if (i > 0 && value >= step) index = i;
  });
  if (zeroApart && value > 0) {
    index = Math.max(index, 1);
  }

  return heatmapPalette[Math.min(index, heatmapPalette.length - 1)] ?? null;
}

/** The cell's hover text: local date and time with its UTC offset, the figure or "no data", rounds and coverage. */
export function cellTitle(date: string, cell: HeatmapCell, metric: HeatmapMetric): string {
  const time = `${date} ${String(cell.hour).padStart(2, '0')}:${localMinute(cell)}`;
  const offset = cell.start ? ` (UTC${offsetText(cell.offsetMinutes)})` : '';
  if (cell.value === null) {
    return `${time}${offset}: no data${cell.rounds > 0 ? ' (no reply to measure)' : ''} · ${cell.rounds} rounds`;
  }

  const figure = metric === 'loss' ? `loss ${cell.value.toFixed(2)} %` : `p95 ${cell.value.toFixed(1)} ms`;
  return `${time}${offset}: ${figure} · ${cell.rounds} rounds · coverage ${cell.coveragePercent.toFixed(0)} %`;
}

export function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** A cell of a zone offset by half an hour begins at hh:30: the minute is read from its UTC start and offset. */
function localMinute(cell: HeatmapCell): string {
  if (!cell.start) return '00';
  const minutes = new Date(new Date(cell.start).getTime() + cell.offsetMinutes * 60_000).getUTCMinutes();
  return String(minutes).padStart(2, '0');
}

const cellWidth = 14;
const cellHeight = 9;
const left = 78;
const top = 16;

/** The SVG grid with its legend; update() redraws it from an answer of /heatmap. */
export class HeatmapChart {
  readonly element: HTMLElement;
  readonly #figure = h('div', { class: 'heatmap-figure' });
  readonly #legend = h('ul', { class: 'heatmap-legend' });
  readonly #caption: HTMLElement;

  constructor(readonly metric: HeatmapMetric) {
    this.#caption = h('h3', {}, metric === 'loss' ? 'Loss per hour' : 'p95 RTT per hour');
    this.element = h('figure', { class: `heatmap heatmap-${metric}` }, this.#caption, this.#figure, this.#legend);
  }

  update(map: Heatmap): void {
    const rows = heatmapRows(map);
    const steps = stepsFor(this.metric, map);
    const width = left + 24 * cellWidth + 4;
    const height = top + rows.length * cellHeight + 4;
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'heatmap-grid' });
    root.setAttribute('aria-label', `${this.metric === 'loss' ? 'Loss' : 'p95 RTT'} per local hour and date, ${map.timeZone}`);
    root.appendChild(hatchPattern(`hm-nodata-${this.metric}`));
    for (const hour of [0, 6, 12, 18]) {
      const label = svg('text', { x: left + hour * cellWidth, y: top - 4, class: 'heatmap-axis' });
      label.textContent = `${String(hour).padStart(2, '0')}h`;
      root.appendChild(label);
    }

    rows.forEach((row, r) => {
      const y = top + r * cellHeight;
      if (r % 7 === 0 || r === rows.length - 1) {
        const label = svg('text', { x: 0, y: y + cellHeight - 1, class: 'heatmap-axis' });
        label.textContent = row.date;
        root.appendChild(label);
      }

      for (const slot of row.slots) {
        const x = left + slot.hour * cellWidth;
        if (slot.kind === 'future') continue;
        if (slot.kind === 'skipped') {
          const rect = svg('rect', { x: x + 1, y: y + 1, width: cellWidth - 2, height: cellHeight - 2, class: 'heatmap-skipped' });
          appendTitle(rect, `${row.date} ${String(slot.hour).padStart(2, '0')}:00: no such hour (clocks went forward)`);
          root.appendChild(rect);
          continue;
        }

        const part = cellHeight / slot.cells.length;
        slot.cells.forEach((cell, i) => {
          const colour = colourFor(cell.value, steps, this.metric === 'loss');
          const rect = svg('rect', {
            x,
            y: y + i * part,
            width: cellWidth - 1,
            height: part - (slot.cells.length > 1 ? 0.5 : 1),
            class: colour === null ? 'heatmap-cell heatmap-nodata' : 'heatmap-cell',
            fill: colour ?? `url(#hm-nodata-${this.metric})`,
          });
          appendTitle(rect, cellTitle(row.date, cell, this.metric) + (slot.cells.length > 1 ? (i === 0 ? ' · first of the repeated hour' : ' · second of the repeated hour') : ''));
          root.appendChild(rect);
        });
      }
    });

    replaceChildren(this.#figure, root);
    replaceChildren(this.#legend, ...legendItems(this.metric, steps));
  }
}

function legendItems(metric: HeatmapMetric, steps: readonly number[]): HTMLElement[] {
  const unit = metric === 'loss' ? '%' : 'ms';
  const items = heatmapPalette.map((colour, i) => {
    const swatch = h('span', { class: 'swatch' });
    swatch.style.background = colour;
    const from = steps[i] ?? 0;
    const text = metric === 'loss' && i === 0 ? '0 %' : `≥ ${formatNumber(from, metric === 'loss' ? 1 : 0)} ${unit}`;
    return h('li', {}, swatch, text);
  });
  return [
    ...items,
    h('li', {}, h('span', { class: 'swatch heatmap-nodata-swatch' }), 'no data'),
    h('li', {}, h('span', { class: 'swatch heatmap-skipped-swatch' }), 'no such hour (clock change)'),
    h('li', { class: 'hint' }, 'On the day clocks go back the repeated hour is split: upper half first.'),
  ];
}

function appendTitle(element: SVGElement, text: string): void {
  const title = svg('title');
  title.textContent = text;
  element.appendChild(title);
}

function hatchPattern(id: string): SVGElement {
  const defs = svg('defs');
  const pattern = svg('pattern', { id, width: 4, height: 4, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
  pattern.appendChild(svg('rect', { width: 4, height: 4, class: 'heatmap-nodata-bg' }));
  pattern.appendChild(svg('line', { x1: 0, y1: 0, x2: 0, y2: 4, class: 'heatmap-nodata-line' }));
  defs.appendChild(pattern);
  return defs;
}
