// @vitest-environment happy-dom
// Undelivered alerts in the dashboard: the banner on every page, the Alerts view (hostile names stay text), the route,
// and the client's call of GET /alerts.

import { describe, expect, it } from 'vitest';
import type { AlertNotice, AlertNoticeList, AlertQuery, ApiClient } from '../src/api.ts';
import { parseRoute, routeHref } from '../src/router.ts';
import { AlertsView, channelText, UndeliveredBanner } from '../src/views/alerts.ts';
import type { ViewContext } from '../src/views/context.ts';

const hostile = '<img src=x onerror="window.owned=1">';

function notice(overrides: Partial<AlertNotice> = {}): AlertNotice {
  return {
    id: 'opened-1',
    kind: 'opened',
    raisedAt: '2026-03-02T10:00:00Z',
    probeId: 'home-1',
    escalated: false,
    state: 'undelivered',
    incidents: [{ id: 'inc-1', target: hostile, type: 'down' }],
    channels: [
      {
        name: 'ops-mail',
        type: 'email',
        state: 'undelivered',
        attempts: 31,
        lastAttemptAt: '2026-03-03T10:00:00Z',
        sentAt: null,
        lastError: 'SMTP 127.0.0.1:25: connection refused',
        nextAttemptAt: null,
      },
    ],
    ...overrides,
  };
}

function fakeApi(list: AlertNoticeList, asked: AlertQuery[]): ApiClient {
  return {
    alerts: (query: AlertQuery) => {
      asked.push(query);
      return Promise.resolve(list);
    },
  } as unknown as ApiClient;
}

const list = (alerts: AlertNotice[], undelivered: number): AlertNoticeList => ({
  from: '2026-02-23T12:00:00Z',
  to: '2026-03-02T12:00:00Z',
  pending: 0,
  undelivered,
  matching: alerts.length,
  truncated: false,
  alerts,
});

describe('UndeliveredBanner', () => {
  it('says how many alerts of the last 7 days could not be delivered and links to the Alerts view', async () => {
    const asked: AlertQuery[] = [];
    const banner = new UndeliveredBanner();
    const now = new Date('2026-03-02T12:00:00Z');

    await banner.refresh(fakeApi(list([notice()], 3), asked), now);

    expect(banner.element.hidden).toBe(false);
    expect(banner.element.textContent).toContain('3 alerts could not be delivered');
    expect(banner.element.querySelector('a')!.getAttribute('href')).toBe('#/alerts?state=undelivered');
    expect(asked).toEqual([{ state: 'undelivered', from: new Date('2026-02-23T12:00:00Z'), to: now, limit: 1 }]);
  });

  it('is hidden when everything was delivered, and stays as it was when the API fails', async () => {
    const banner = new UndeliveredBanner();
    banner.show(0);
    expect(banner.element.hidden).toBe(true);

    banner.show(1);
    await banner.refresh({ alerts: () => Promise.reject(new Error('down')) } as unknown as ApiClient, new Date());
    expect(banner.element.hidden).toBe(false);
    expect(banner.element.textContent).toContain('1 alert could not be delivered');
  });
});

describe('AlertsView', () => {
  const context = (api: ApiClient): ViewContext => ({ api, now: () => new Date('2026-03-02T12:00:00Z'), refreshNow: () => {}, canWrite: false });

  it('lists each notice with its channels and last error, the target name as text', async () => {
    const asked: AlertQuery[] = [];
    const view = new AlertsView(context(fakeApi(list([notice()], 1), asked)), 'undelivered', () => {});

    await view.refresh(new AbortController().signal);

    const row = view.element.querySelector<HTMLElement>('[data-notice-id="opened-1"]')!;
    expect(row.querySelector('img')).toBeNull();
    expect(row.querySelector('.notice-targets')!.textContent).toBe(hostile);
    expect(row.querySelector('.delivery-undelivered')!.textContent).toBe('ops-mail (email): undelivered after 31 attempts — SMTP 127.0.0.1:25: connection refused');
    expect(asked[0]?.state).toBe('undelivered');
    expect(view.element.querySelector('.alerts-summary')!.textContent).toContain('1 undelivered');
  });

  it('asks for every state with the filter on all, and says when there is none', async () => {
    const asked: AlertQuery[] = [];
    const view = new AlertsView(context(fakeApi(list([], 0), asked)), 'all', () => {});

    await view.refresh(new AbortController().signal);

    expect(asked[0]?.state).toBeUndefined();
    expect(view.element.querySelector<HTMLElement>('.empty')!.hidden).toBe(false);
  });

  it('navigates when the filter changes', () => {
    const went: string[] = [];
    const view = new AlertsView(context(fakeApi(list([], 0), [])), 'all', (href) => went.push(href));
    const select = view.element.querySelector('select')!;
    select.value = 'undelivered';
    select.dispatchEvent(new Event('change'));
    expect(went).toEqual(['#/alerts?state=undelivered']);
  });
});

describe('channelText', () => {
  it('tells a delivered, a retrying and a refused channel apart', () => {
    const channel = notice().channels[0]!;
    expect(channelText({ ...channel, state: 'delivered', sentAt: '2026-03-02T10:00:05Z', lastError: null })).toContain('ops-mail (email): delivered');
    expect(channelText({ ...channel, state: 'pending', attempts: 1, nextAttemptAt: '2026-03-02T10:01:00Z' })).toContain('retrying, 1 attempt, next');
    expect(channelText({ ...channel, type: null, state: 'refused', attempts: 1 })).toBe('ops-mail: refused after 1 attempt — SMTP 127.0.0.1:25: connection refused');
  });
});

describe('the alerts route', () => {
  it('reads and writes the undelivered filter', () => {
    expect(parseRoute('#/alerts')).toEqual({ page: 'alerts', state: 'all' });
    expect(parseRoute('#/alerts?state=undelivered')).toEqual({ page: 'alerts', state: 'undelivered' });
    expect(routeHref({ page: 'alerts', state: 'undelivered' })).toBe('#/alerts?state=undelivered');
    expect(routeHref({ page: 'alerts', state: 'all' })).toBe('#/alerts');
  });
});
