// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { formatPeak, IncidentTable, incidentDurationSeconds } from '../src/views/incident-table.ts';
import { at, hostileName, incident } from './fixtures.ts';

const now = new Date(at(0));

describe('IncidentTable', () => {
  it('lists open and resolved incidents with durations, hostile target names as text', () => {
    const table = new IncidentTable({ showTarget: true, emptyText: 'none' });
    table.update(
      [incident({ id: 'open', end: null, start: at(-90), durationSeconds: 60, targetName: hostileName }), incident({ id: 'done', type: 'latency', peakValue: 210.5, threshold: 150 })],
      now,
    );

    const rows = [...table.element.querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.querySelector('.state')?.textContent)).toEqual(['open', 'resolved']);
    expect(rows[0]?.querySelector('.target-name')?.textContent).toBe(hostileName);
    expect(rows[0]?.querySelector('img')).toBeNull();
    expect(rows[0]?.querySelector('a')?.getAttribute('href')).toBe('#/target/home-1.gw');
    expect([...rows[0]!.querySelectorAll('td')].map((c) => c.textContent)[5]).toBe('1 min 30 s');
    expect([...rows[1]!.querySelectorAll('td')].map((c) => c.textContent)[6]).toBe('210.5 ms / 150.0 ms');
  });

  it('keeps rows in place across refreshes and lets open durations grow each second', () => {
    const table = new IncidentTable({ showTarget: false, emptyText: 'none' });
    table.update([incident({ id: 'open', end: null, start: at(-10), durationSeconds: 10 })], now);
    const row = table.element.querySelector('tbody tr');

    table.tick(new Date(at(5)));
    table.update([incident({ id: 'open', end: null, start: at(-10), durationSeconds: 15 })], new Date(at(5)));

    expect(table.element.querySelector('tbody tr')).toBe(row);
    expect(row?.querySelectorAll('td')[4]?.textContent).toBe('15 s');
  });

  it('shows the empty text instead of an empty table', () => {
    const table = new IncidentTable({ showTarget: true, emptyText: 'No incidents.' });
    table.update([], now);

    expect(table.element.querySelector<HTMLElement>('.empty')?.hidden).toBe(false);
    expect(table.element.querySelector<HTMLElement>('.table-scroll')?.hidden).toBe(true);
  });

  it('names the probe for a probe-silent incident that has no target', () => {
    const table = new IncidentTable({ showTarget: true, emptyText: '' });
    table.update([incident({ type: 'probeSilent', targetId: null, targetName: '', probeId: 'branch-2' })], now);

    const cell = table.element.querySelector('.target-name a');
    expect(cell?.textContent).toBe('probe branch-2');
    expect(cell?.hasAttribute('href')).toBe(false);
  });
});

describe('incidentDurationSeconds', () => {
  it("uses the API's duration for a resolved incident and counts up for an open one", () => {
    expect(incidentDurationSeconds(incident({ durationSeconds: 300 }), now)).toBe(300);
    expect(incidentDurationSeconds(incident({ end: null, start: at(-120), durationSeconds: 100 }), now)).toBe(120);
  });
});

describe('formatPeak', () => {
  it('formats by incident type and shows a dash for down incidents', () => {
    expect(formatPeak(incident({ type: 'loss', peakValue: 12.5, threshold: 5 }))).toBe('12.5 % / 5.0 %');
    expect(formatPeak(incident({ type: 'down', peakValue: 1, threshold: 3 }))).toBe('–');
    expect(formatPeak(incident({ type: 'latency', peakValue: null, threshold: null }))).toBe('–');
  });
});
