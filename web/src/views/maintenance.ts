// Maintenance windows: what is muted, when, and why; an Admin deletes one here (and mutes a target for an hour on
// its page). Incidents that begin inside a window are recorded but not announced.

import { isForbidden, type MaintenanceWindow } from '../api.ts';
import { h, replaceChildren, setText } from '../dom.ts';
import { formatDateTime } from '../format.ts';
import type { View } from '../live.ts';
import type { ViewContext } from './context.ts';

export class MaintenanceView implements View {
  readonly element: HTMLElement;
  readonly #body = h('tbody');
  readonly #empty = h('p', { class: 'empty', hidden: true }, 'No maintenance windows.');
  readonly #status = h('p', { class: 'maintenance-status', role: 'status' });
  readonly #controller = new AbortController();

  constructor(private readonly context: ViewContext) {
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col' }, 'Scope'),
      h('th', { scope: 'col' }, 'When'),
      h('th', { scope: 'col' }, 'State'),
      h('th', { scope: 'col' }, 'Reason'),
      h('th', { scope: 'col' }, 'Created'),
      context.canWrite && h('th', { scope: 'col' }, ''),
    );
    this.element = h(
      'section',
      { class: 'page maintenance' },
      h('h1', {}, 'Maintenance'),
      h('p', { class: 'hint' }, 'Incidents that begin inside a window are recorded, flagged “maintenance” and not announced; reports count them as planned downtime.'),
      this.#status,
      this.#empty,
      h('div', { class: 'table-scroll' }, h('table', { class: 'maintenance-windows' }, h('thead', {}, head), this.#body)),
    );
  }

  async refresh(signal: AbortSignal): Promise<void> {
    const { windows } = await this.context.api.maintenanceWindows(signal);
    this.show(windows);
  }

  show(windows: readonly MaintenanceWindow[]): void {
    replaceChildren(this.#body, ...windows.map((w) => this.#row(w)));
    this.#empty.hidden = windows.length !== 0;
  }

  dispose(): void {
    this.#controller.abort();
  }

  #row(window: MaintenanceWindow): HTMLTableRowElement {
    const remove = this.context.canWrite && h('button', { type: 'button', class: 'delete-window' }, 'Delete');
    const row = h(
      'tr',
      { 'data-window-id': window.id },
      h('td', {}, scopeText(window)),
      h('td', {}, whenText(window)),
      h('td', {}, window.activeUntil ? `on until ${formatDateTime(window.activeUntil)}` : window.nextStart ? `next ${formatDateTime(window.nextStart)}` : 'over'),
      h('td', {}, window.reason),
      h('td', {}, `${window.createdBy}, ${formatDateTime(window.createdAt)}`),
      remove && h('td', {}, remove),
    );
    if (remove) {
      remove.addEventListener('click', () => {
        remove.disabled = true;
        this.context.api
          .deleteMaintenanceWindow(window.id, this.#controller.signal)
          .then(() => {
            row.remove();
            setText(this.#status, 'Deleted.');
            this.#empty.hidden = this.#body.children.length !== 0;
          })
          .catch((error: unknown) => {
            remove.disabled = false;
            setText(this.#status, isForbidden(error) ? 'The API refused: deleting a window needs the Admin role.' : 'Not deleted: the API did not answer.');
          });
      });
    }

    return row;
  }
}

export function scopeText(window: MaintenanceWindow): string {
  const { scope } = window;
  if (scope.all) return 'everything';
  if (scope.category) return `category ${scope.category}`;
  if (scope.targetName) return `${scope.targetName} (probe ${scope.probeId ?? '?'})`;
  return `probe ${scope.probeId ?? '?'}`;
}

export function whenText(window: MaintenanceWindow): string {
  if (window.cron) {
    return `cron “${window.cron}” in ${window.timeZone ?? 'UTC'}, ${window.durationMinutes ?? 0} min each`;
  }

  return `${formatDateTime(window.start)} – ${formatDateTime(window.end)}`;
}
