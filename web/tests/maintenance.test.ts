// @vitest-environment happy-dom
// Maintenance and acknowledgement in the dashboard: the one-click mute's window, and the incident table's maintenance
// flag and Acknowledge button (the client's calls are in maintenance-api.test.ts).

import { describe, expect, it } from 'vitest';
import { muteForAnHour, type ApiClient, type Incident, type MaintenanceWindow } from '../src/api.ts';
import type { ViewContext } from '../src/views/context.ts';
import { MaintenanceView, scopeText, whenText } from '../src/views/maintenance.ts';
import { readReport } from '../src/report.ts';
import { acknowledgementText, IncidentTable } from '../src/views/incident-table.ts';
import { at, incident } from './fixtures.ts';

describe('muteForAnHour', () => {
  it('makes a one-off window for the target from now for an hour', () => {
    expect(muteForAnHour({ probeId: 'home-1', name: 'gw' }, new Date('2026-03-02T10:00:00.000Z'))).toEqual({
      scope: { probeId: 'home-1', targetName: 'gw' },
      start: '2026-03-02T10:00:00Z',
      end: '2026-03-02T11:00:00Z',
      reason: 'Muted for 1 h from the dashboard',
    });
  });
});

describe('IncidentTable maintenance and acknowledgement', () => {
  const now = new Date(at(0));

  it('flags incidents under maintenance and says who acknowledged', () => {
    const table = new IncidentTable({ showTarget: true, emptyText: 'none' });
    table.update(
      [
        incident({ id: 'planned', maintenanceWindowId: 'w1' }),
        incident({ id: 'acked', acknowledgement: { by: 'Ana', at: at(-60), note: 'ISP called' } }),
        incident({ id: 'plain' }),
      ],
      now,
    );

    const flag = (id: string): boolean => !table.element.querySelector<HTMLElement>(`[data-incident-id="${id}"] .maintenance-flag`)!.hidden;
    expect([flag('planned'), flag('acked'), flag('plain')]).toEqual([true, false, false]);
    const acked = table.element.querySelector<HTMLElement>('[data-incident-id="acked"] .acknowledged')!;
    expect(acked.hidden).toBe(false);
    expect(acked.textContent).toContain('acknowledged by Ana at ');
    expect(acked.textContent).toContain('(ISP called)');
    expect(acknowledgementText(incident())).toBe('');
  });

  it('offers Acknowledge on an open, unacknowledged incident only when allowed, and shows the answer', async () => {
    const asked: string[] = [];
    const acknowledge = (i: Incident): Promise<Incident> => {
      asked.push(i.id);
      return Promise.resolve({ ...i, acknowledgement: { by: 'local', at: at(0), note: null } });
    };
    const admin = new IncidentTable({ showTarget: false, emptyText: 'none', acknowledge });
    const reader = new IncidentTable({ showTarget: false, emptyText: 'none' });
    const incidents = [incident({ id: 'open', end: null }), incident({ id: 'resolved' })];
    admin.update(incidents, now);
    reader.update(incidents, now);

    const button = (table: IncidentTable, id: string): HTMLButtonElement => table.element.querySelector<HTMLButtonElement>(`[data-incident-id="${id}"] .ack-button`)!;
    expect([button(admin, 'open').hidden, button(admin, 'resolved').hidden, button(reader, 'open').hidden]).toEqual([false, true, true]);

    button(admin, 'open').click();
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(asked).toEqual(['open']);
    expect(button(admin, 'open').hidden).toBe(true);
    expect(admin.element.querySelector('[data-incident-id="open"] .acknowledged')?.textContent).toContain('acknowledged by local');
  });
});

describe('MaintenanceView', () => {
  const window = (overrides: Partial<MaintenanceWindow>): MaintenanceWindow => ({
    id: 'w1',
    scope: { probeId: 'home-1', targetName: 'gw', category: null, all: null },
    start: '2026-03-02T10:00:00Z',
    end: '2026-03-02T11:00:00Z',
    cron: null,
    timeZone: null,
    durationMinutes: null,
    reason: '<b>firmware</b>',
    createdBy: 'Ana',
    createdAt: '2026-03-02T09:59:00Z',
    activeUntil: '2026-03-02T11:00:00Z',
    nextStart: null,
    ...overrides,
  });

  it('lists windows with scope, schedule and state, reasons as text, and deletes only for an Admin', async () => {
    const deleted: string[] = [];
    const api = { deleteMaintenanceWindow: (id: string) => (deleted.push(id), Promise.resolve()) } as unknown as ApiClient;
    const context = (canWrite: boolean): ViewContext => ({ api, now: () => new Date(at(0)), refreshNow: () => {}, canWrite });
    const admin = new MaintenanceView(context(true));
    const reader = new MaintenanceView(context(false));
    const windows = [
      window({}),
      window({ id: 'w2', scope: { probeId: null, targetName: null, category: 'servers', all: null }, start: null, end: null, cron: '30 2 * * SUN', timeZone: 'Europe/Berlin', durationMinutes: 120, activeUntil: null, nextStart: '2026-03-08T01:30:00Z' }),
    ];
    admin.show(windows);
    reader.show(windows);

    const cells = [...admin.element.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent));
    expect(cells[0]?.[0]).toBe('gw (probe home-1)');
    expect(cells[0]?.[2]).toMatch(/^on until /);
    expect(cells[0]?.[3]).toBe('<b>firmware</b>');
    expect(cells[1]?.[0]).toBe('category servers');
    expect(cells[1]?.[1]).toBe('cron “30 2 * * SUN” in Europe/Berlin, 120 min each');
    expect(cells[1]?.[2]).toMatch(/^next /);
    expect(reader.element.querySelectorAll('.delete-window')).toHaveLength(0);

    admin.element.querySelector<HTMLButtonElement>('[data-window-id="w2"] .delete-window')!.click();
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(deleted).toEqual(['w2']);
    expect(admin.element.querySelectorAll('tbody tr')).toHaveLength(1);
    expect(scopeText(window({ scope: { probeId: null, targetName: null, category: null, all: true } }))).toBe('everything');
    expect(whenText(window({}))).toContain('–');
  });
});

describe('planned downtime in a report', () => {
  it('is read apart from the unplanned downtime', () => {
    const view = readReport({ targets: [{ targetName: 'gw', downtimeSeconds: 60, plannedDowntimeSeconds: 7200 }, { targetName: 'nas', downtimeSeconds: 0 }] });

    expect(view.rows.map((r) => [r.downtimeSeconds, r.plannedDowntimeSeconds])).toEqual([
      [60, 7200],
      [0, null],
    ]);
  });
});
