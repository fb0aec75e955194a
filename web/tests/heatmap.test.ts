// @vitest-environment happy-dom
// The evidence views' models: heatmap slots over both clock changes, "no data" never coloured like 0 %, the hover
// titles, the ranking rows (no data apart, dashes not zeros), the ranking route, and hostile names staying text.

import { describe, expect, it } from 'vitest';
import type { ApiClient, Heatmap, HeatmapCell, HeatmapDay, QualityFigures, Ranking, Target } from '../src/api.ts';
import { parseRoute, routeHref } from '../src/router.ts';
import type { ViewContext } from '../src/views/context.ts';
import { cellTitle, colourFor, HeatmapChart, heatmapPalette, heatmapRows, lossSteps, offsetText, p95Steps } from '../src/views/heatmap.ts';
import { qualityTexts, rankingRows, RankingView } from '../src/views/ranking.ts';
import { hostileName } from './fixtures.ts';

function cell(hour: number, start: string, offsetMinutes: number, value: number | null, rounds = 60): HeatmapCell {
  return { hour, start, offsetMinutes, value, rounds, coveragePercent: rounds === 0 ? 0 : 100 };
}

/** Berlin's spring-forward day: 23 hours, 02:00 skipped. */
function springForward(): HeatmapDay {
  const hours: HeatmapCell[] = [];
  let utc = Date.UTC(2026, 2, 28, 23);
  for (let hour = 0; hour < 24; hour++) {
    if (hour === 2) continue;
    hours.push(cell(hour, new Date(utc).toISOString(), hour < 2 ? 60 : 120, hour === 5 ? null : hour / 10, hour === 5 ? 0 : 60));
    utc += 3_600_000;
  }

  return { date: '2026-03-29', skippedHours: [2], hours };
}

/** Berlin's fall-back day: 25 hours, 02:00 twice (summer offset first). */
function fallBack(): HeatmapDay {
  const hours: HeatmapCell[] = [];
  let utc = Date.UTC(2026, 9, 24, 22);
  for (let i = 0; i < 25; i++) {
    const hour = i <= 2 ? i : i - 1;
    hours.push(cell(hour, new Date(utc).toISOString(), i <= 2 ? 120 : 60, i === 3 ? 4 : 0));
    utc += 3_600_000;
  }

  return { date: '2026-10-25', skippedHours: [], hours };
}

function target(name = 'gw'): Target {
  return { id: 'home-1~Z3c', probeId: 'home-1', name } as Target;
}

function map(days: HeatmapDay[], metric: 'loss' | 'p95' = 'loss'): Heatmap {
  return { target: target(), metric, unit: metric === 'loss' ? '%' : 'ms', weeks: 4, timeZone: 'Europe/Berlin', from: '', to: '', days };
}

describe('heatmapRows', () => {
  it('leaves the skipped hour of the spring-forward day as skipped and keeps 24 slots', () => {
    const [row] = heatmapRows(map([springForward(), fallBack()]));
    expect(row?.slots).toHaveLength(24);
    expect(row?.slots[2]).toEqual({ kind: 'skipped', hour: 2 });
    expect(row?.slots.filter((s) => s.kind === 'cells')).toHaveLength(23);
  });

  it('puts both cells of the repeated hour of the fall-back day in one slot, summer first', () => {
    const [, row] = heatmapRows(map([springForward(), fallBack()]));
    const slot = row?.slots[2];
    expect(slot?.kind).toBe('cells');
    if (slot?.kind !== 'cells') throw new Error('not cells');
    expect(slot.cells.map((c) => c.offsetMinutes)).toEqual([120, 60]);
    expect(slot.cells.map((c) => c.value)).toEqual([0, 4]);
  });

  it('marks the hours after the last cell of the last day as not begun', () => {
    const today: HeatmapDay = { date: '2026-06-01', skippedHours: [], hours: [cell(0, '2026-05-31T22:00:00Z', 120, 1), cell(1, '2026-05-31T23:00:00Z', 120, null, 0)] };
    const [row] = heatmapRows(map([today]));
    expect(row?.slots.map((s) => s.kind)).toEqual(['cells', 'cells', ...Array<string>(22).fill('future')]);
  });
});

describe('colours', () => {
  it('has no colour for no data and keeps the first step for exactly 0 % loss', () => {
    expect(colourFor(null, lossSteps, true)).toBeNull();
    expect(colourFor(0, lossSteps, true)).toBe(heatmapPalette[0]);
    expect(colourFor(0.1, lossSteps, true)).toBe(heatmapPalette[1]);
    expect(colourFor(3, lossSteps, true)).toBe(heatmapPalette[3]);
    expect(colourFor(60, lossSteps, true)).toBe(heatmapPalette[5]);
  });

  it('spreads p95 from the best to the worst hour and ignores no-data cells', () => {
    const steps = p95Steps(map([{ date: '2026-06-01', skippedHours: [], hours: [cell(0, 'a', 0, 10), cell(1, 'b', 0, 70), cell(2, 'c', 0, null, 0)] }], 'p95'));
    expect(steps).toEqual([10, 20, 30, 40, 50, 60]);
    expect(colourFor(10, steps)).toBe(heatmapPalette[0]);
    expect(colourFor(70, steps)).toBe(heatmapPalette[5]);
  });

  it('draws a no-data cell hatched and a 0 % cell in the scale colour, each with its title', () => {
    const chart = new HeatmapChart('loss');
    chart.update(map([springForward(), fallBack()]));
    const rects = [...chart.element.querySelectorAll('rect.heatmap-cell')];
    const noData = rects.filter((r) => r.getAttribute('class')?.includes('heatmap-nodata'));
    expect(noData).toHaveLength(1);
    expect(noData[0]?.getAttribute('fill')).toBe('url(#hm-nodata-loss)');
    expect(noData[0]?.querySelector('title')?.textContent).toContain('no data');
    const zero = rects.find((r) => r.querySelector('title')?.textContent?.startsWith('2026-03-29 00:00'));
    expect(zero?.getAttribute('fill')).toBe(heatmapPalette[0]);
    expect(chart.element.querySelectorAll('rect.heatmap-skipped')).toHaveLength(1);
    // 23 + 25 cells: the repeated hour drawn as two halves.
    expect(rects).toHaveLength(48);
    expect(chart.element.textContent).toContain('no data');
  });
});

describe('cellTitle', () => {
  it('names the local time, the offset, the figure, rounds and coverage', () => {
    const day = fallBack();
    expect(cellTitle(day.date, day.hours[2]!, 'loss')).toBe('2026-10-25 02:00 (UTC+02:00): loss 0.00 % · 60 rounds · coverage 100 %');
    expect(cellTitle(day.date, day.hours[3]!, 'p95')).toBe('2026-10-25 02:00 (UTC+01:00): p95 4.0 ms · 60 rounds · coverage 100 %');
    expect(cellTitle('2026-03-29', cell(5, '2026-03-29T03:00:00Z', 120, null, 0), 'loss')).toBe('2026-03-29 05:00 (UTC+02:00): no data · 0 rounds');
  });

  it('shows the half hour of a zone offset by 5:30', () => {
    expect(cellTitle('2026-06-01', cell(0, '2026-05-31T19:00:00Z', 330, 1), 'loss')).toMatch(/^2026-06-01 00:30 \(UTC\+05:30\)/);
    expect(offsetText(-210)).toBe('-03:30');
  });
});

const figures = (overrides: Partial<QualityFigures> = {}): QualityFigures => ({
  rounds: 100,
  replies: 90,
  lossPercent: 10,
  avgMs: 20,
  p95Ms: 40,
  jitterMs: 3,
  mos: 4.1,
  coveragePercent: 99.5,
  ...overrides,
});

describe('ranking', () => {
  const ranking: Ranking = {
    from: '2026-06-01T00:00:00Z',
    to: '2026-06-08T00:00:00Z',
    by: 'loss',
    ranked: 2,
    truncated: false,
    targets: [
      { id: 'p~a', probeId: 'p', name: hostileName, quality: figures() },
      { id: 'p~b', probeId: 'p', name: 'dns', quality: figures({ lossPercent: 100, replies: 0, avgMs: null, p95Ms: null, jitterMs: null, mos: null }) },
    ],
    noData: [{ id: 'p~c', probeId: 'p', name: 'old', quality: figures({ rounds: 0, replies: 0, lossPercent: null, avgMs: null, p95Ms: null, jitterMs: null, mos: null, coveragePercent: 0 }) }],
  };

  it('numbers the ranked worst first and lists the no-data targets apart with dashes, never 0 %', () => {
    const rows = rankingRows(ranking);
    expect(rows.ranked.map((r) => r.rank)).toEqual([1, 2]);
    expect(rows.ranked[1]).toMatchObject({ p95: '—', jitter: '—', mos: '—', loss: '100.00 %' });
    expect(rows.noData).toEqual([expect.objectContaining({ rank: null, name: 'old', loss: '—', coverage: '0.0 %' })]);
    expect(qualityTexts(figures()).mos).toBe('4.10');
  });

  it('draws hostile names as text and says the MOS is an estimate', async () => {
    const api = { ranking: () => Promise.resolve(ranking) } as unknown as ApiClient;
    const context: ViewContext = { api, now: () => new Date('2026-06-08T00:00:00Z'), refreshNow: () => {}, canWrite: false };
    const view = new RankingView(context, '7d', 'loss');
    await view.refresh(new AbortController().signal);
    expect(view.element.querySelector('img')).toBeNull();
    expect(view.element.querySelector('tbody')?.textContent).toContain(hostileName);
    expect(view.element.querySelector('th[title]')?.getAttribute('title')).toMatch(/^An estimate/);
    expect(view.element.querySelector('.ranking-nodata')?.textContent).toContain('old');
  });

  it('routes #/ranking with its range and metric and back', () => {
    expect(parseRoute('#/ranking')).toEqual({ page: 'ranking', range: '7d', by: 'loss' });
    expect(parseRoute('#/ranking?range=31d&by=jitter')).toEqual({ page: 'ranking', range: '31d', by: 'jitter' });
    expect(parseRoute('#/ranking?range=1y&by=mos')).toEqual({ page: 'ranking', range: '7d', by: 'loss' });
    expect(routeHref({ page: 'ranking', range: '24h', by: 'p95' })).toBe('#/ranking?range=24h&by=p95');
    expect(routeHref({ page: 'ranking', range: '7d', by: 'loss' })).toBe('#/ranking');
  });
});
