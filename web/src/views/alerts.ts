// Alert notices and where each channel's delivery stands: a notice still failing when the retry horizon ran out is
// "undelivered" here (and in the banner on every page), not only in a log. Target names and errors are text.

import type { AlertChannelDelivery, AlertNotice, ApiClient } from '../api.ts';
import { h, replaceChildren, setText } from '../dom.ts';
import { formatDateTime } from '../format.ts';
import type { View } from '../live.ts';
import type { ViewContext } from './context.ts';

const week = 7 * 24 * 3600 * 1000;

export class AlertsView implements View {
  readonly element: HTMLElement;
  readonly #body = h('tbody');
  readonly #empty = h('p', { class: 'empty', hidden: true });
  readonly #summary = h('p', { class: 'alerts-summary', role: 'status' });

  constructor(
    private readonly context: ViewContext,
    private readonly state: 'undelivered' | 'all',
    navigate: (href: string) => void,
  ) {
    const filter = h(
      'select',
      { class: 'alerts-filter', 'aria-label': 'Show' },
      h('option', { value: 'all' }, 'All alerts'),
      h('option', { value: 'undelivered' }, 'Undelivered only'),
    );
    filter.value = state;
    filter.addEventListener('change', () => navigate(filter.value === 'undelivered' ? '#/alerts?state=undelivered' : '#/alerts'));
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col' }, 'Raised'),
      h('th', { scope: 'col' }, 'Kind'),
      h('th', { scope: 'col' }, 'Target(s)'),
      h('th', { scope: 'col' }, 'Channels'),
    );
    this.element = h(
      'section',
      { class: 'page alerts' },
      h('h1', {}, 'Alerts'),
      h('p', { class: 'hint' }, 'Alert notices of the last 7 days and where each channel stands. A notice is retried for a day; one still failing then is undelivered.'),
      h('label', {}, 'Show ', filter),
      this.#summary,
      this.#empty,
      h('div', { class: 'table-scroll' }, h('table', { class: 'alert-notices' }, h('thead', {}, head), this.#body)),
    );
  }

  async refresh(signal: AbortSignal): Promise<void> {
    const now = this.context.now();
    const list = await this.context.api.alerts(
      { from: new Date(now.getTime() - week), to: now, limit: 500, ...(this.state === 'undelivered' ? { state: 'undelivered' } : {}) },
      signal,
    );
    this.show(list.alerts, list.undelivered, list.pending, list.truncated);
  }

  show(alerts: readonly AlertNotice[], undelivered: number, pending: number, truncated = false): void {
    replaceChildren(this.#body, ...alerts.map(row));
    setText(this.#summary, `${undelivered} undelivered, ${pending} still being retried in the last 7 days${truncated ? ' (only the newest 500 are shown)' : ''}.`);
    setText(this.#empty, this.state === 'undelivered' ? 'No undelivered alerts.' : 'No alerts.');
    this.#empty.hidden = alerts.length !== 0;
  }

  dispose(): void {}
}

function row(notice: AlertNotice): HTMLTableRowElement {
  const targets = notice.incidents.map((i) => i.target || `probe ${notice.probeId}`);
  return h(
    'tr',
    { 'data-notice-id': notice.id, class: `notice-${notice.state}` },
    h('td', {}, formatDateTime(notice.raisedAt)),
    h('td', {}, notice.escalated ? `${notice.kind} (escalated)` : notice.kind),
    h('td', { class: 'notice-targets' }, targets.length === 0 ? '—' : [...new Set(targets)].join(', ')),
    h('td', {}, h('ul', { class: 'notice-channels' }, ...notice.channels.map((c) => h('li', { class: `delivery-${c.state}` }, channelText(c))))),
  );
}

export function channelText(channel: AlertChannelDelivery): string {
  const name = channel.type ? `${channel.name} (${channel.type})` : channel.name;
  const attempts = `${channel.attempts} ${channel.attempts === 1 ? 'attempt' : 'attempts'}`;
  switch (channel.state) {
    case 'delivered':
      return `${name}: delivered ${formatDateTime(channel.sentAt)}`;
    case 'pending':
      return `${name}: retrying, ${attempts}${channel.nextAttemptAt ? `, next ${formatDateTime(channel.nextAttemptAt)}` : ''}${channel.lastError ? ` — ${channel.lastError}` : ''}`;
    case 'undelivered':
    case 'refused':
      return `${name}: ${channel.state} after ${attempts}${channel.lastError ? ` — ${channel.lastError}` : ''}`;
  }
}

/** The banner on every page: shown while alerts of the last 7 days could not be delivered. */
export class UndeliveredBanner {
  readonly element: HTMLElement;
  readonly #text = h('span', {});

  constructor() {
    this.element = h('div', { class: 'undelivered-banner', role: 'alert', hidden: true }, this.#text, ' ', h('a', { href: '#/alerts?state=undelivered' }, 'see Alerts'));
  }

  async refresh(api: ApiClient, now: Date, signal?: AbortSignal): Promise<void> {
    try {
      const list = await api.alerts({ state: 'undelivered', from: new Date(now.getTime() - week), to: now, limit: 1 }, signal);
      this.show(list.undelivered);
    } catch {
      // The status bar tells of an API that does not answer; the banner only tells what the API said.
    }
  }

  show(undelivered: number): void {
    setText(this.#text, `${undelivered} ${undelivered === 1 ? 'alert' : 'alerts'} could not be delivered —`);
    this.element.hidden = undelivered === 0;
  }
}
