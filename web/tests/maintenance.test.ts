// @vitest-environment happy-dom
// Maintenance and acknowledgement in the dashboard: the one-click mute's window, and the incident table's maintenance
// flag and Acknowledge button (the client's calls are in maintenance-api.test.ts).

import { describe, expect, it } from 'vitest';
import { muteForAnHour, type Incident } from '../src/api.ts';
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
