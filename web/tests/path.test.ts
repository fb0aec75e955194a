// @vitest-environment happy-dom
// The incident path page: the view model's marks and words, the route, and hostile names staying text.

import { describe, expect, it } from 'vitest';
import type { ApiClient, IncidentPaths, PathHop, PathSnapshot } from '../src/api.ts';
import { parseRoute, routeHref } from '../src/router.ts';
import type { ViewContext } from '../src/views/context.ts';
import { PathView, pathModel } from '../src/views/path.ts';

function hop(ttl: number, address: string | null, received: number, others: string[] = []): PathHop {
  const answered = received > 0;
  return {
    ttl,
    address: answered ? address : null,
    otherAddresses: others,
    sent: 10,
    received,
    lossPercent: (100 * (10 - received)) / 10,
    lastMs: answered ? 1.2 : null,
    bestMs: answered ? 0.3 : null,
    averageMs: answered ? 1.04 : null,
    worstMs: answered ? 2.5 : null,
    stdDevMs: answered ? 0.4 : null,
  };
}

function snapshot(id: string, reason: PathSnapshot['reason'], hops: PathHop[], finding: PathSnapshot['finding'] = null): PathSnapshot {
  return {
    id,
    targetId: 'home-1~Z3c',
    target: '<img src=x onerror=alert(1)>',
    probeId: 'home-1',
    destination: '10.200.3.1',
    startedAt: '2026-03-02T10:00:02Z',
    reason,
    cycles: 10,
    reachedDestination: hops[hops.length - 1]!.received > 0,
    hops,
    finding,
  };
}

const lossy: IncidentPaths = {
  incidentId: '20260302T100000-L-0123456789abcdef',
  targetId: 'home-1~Z3c',
  atStart: snapshot('20260302T100002.0000000Z', 'trouble', [hop(1, '10.200.1.1', 10), hop(2, '10.200.22.1', 5), hop(3, '10.200.3.1', 5)], {
    ttl: 2,
    address: '10.200.22.1',
    lossPercent: 50,
    explanation: 'Loss starts at hop 2 (10.200.22.1, 50%) and persists to the destination (50%).',
  }),
  baseline: snapshot('20260302T090000.0000000Z', 'baseline', [hop(1, '10.200.1.1', 10), hop(2, '10.200.2.1', 10), hop(3, '10.200.3.1', 10)]),
  differences: [{ ttl: 2, oldAddress: '10.200.2.1', newAddress: '10.200.22.1' }],
  routeChanges: [],
};

describe('pathModel', () => {
  it('marks the hop loss persists from, the hops after it, and the TTL on another router', () => {
    const model = pathModel(lossy);

    expect(model.atStart!.rows.map((r) => r.lossMark)).toEqual([null, 'from', 'after']);
    expect(model.baseline!.rows.map((r) => r.lossMark)).toEqual([null, null, null]);
    expect(model.atStart!.rows.map((r) => r.changed)).toEqual([false, true, false]);
    expect(model.atStart!.rows[1]).toMatchObject({ address: '10.200.22.1', loss: '50.0 %', sentReceived: '10 / 5', best: '0.3', average: '1.0', worst: '2.5' });
    expect(model.meaning).toContain('Loss starts at hop 2');
    expect(model.routeChanges).toEqual(['The route differs from the baseline: TTL 2 10.200.2.1 → 10.200.22.1.']);
  });

  it('says loss at a middle hop only is rate limiting, and says when there is no snapshot', () => {
    const limited = pathModel({
      ...lossy,
      atStart: snapshot('a', 'trouble', [hop(1, '10.200.1.1', 10), hop(2, '10.200.2.1', 3), hop(3, '10.200.3.1', 10)]),
      differences: [],
    });
    expect(limited.meaning).toContain('rate-limiting');
    expect(limited.atStart!.rows.every((r) => r.lossMark === null)).toBe(true);
    expect(limited.routeChanges).toEqual([]);

    const none = pathModel({ ...lossy, atStart: null, differences: [] });
    expect(none.atStart).toBeNull();
    expect(none.meaning).toContain('No path snapshot');
    expect(none.baseline!.rows).toHaveLength(3);
  });

  it('shows a silent hop as mtr does', () => {
    const model = pathModel({ ...lossy, atStart: snapshot('b', 'trouble', [hop(1, '10.200.1.1', 10), hop(2, null, 0)]) });
    expect(model.atStart!.rows[1]).toMatchObject({ address: '???', loss: '100.0 %', best: '—' });
  });
});

describe('the incident path route', () => {
  it('round-trips', () => {
    const route = { page: 'incidentPath', incident: lossy.incidentId } as const;
    expect(routeHref(route)).toBe(`#/incidents/${lossy.incidentId}/path`);
    expect(parseRoute(routeHref(route))).toEqual(route);
  });
});

describe('PathView', () => {
  it('renders both tables with a hostile target name as text and an MTR text link per snapshot', async () => {
    const api = {
      incidentPaths: () => Promise.resolve(lossy),
      pathTextUrl: (target: string, id: string) => `http://127.0.0.1:7071/api/targets/${target}/paths/${id}?format=mtr`,
    } as unknown as ApiClient;
    const context: ViewContext = { api, now: () => new Date('2026-03-02T10:10:00Z'), refreshNow: () => {}, canWrite: false };
    const view = new PathView(context, lossy.incidentId);

    await view.refresh(new AbortController().signal);

    expect(view.element.querySelector('h1')!.textContent).toBe('Path to <img src=x onerror=alert(1)> at incident start');
    expect(view.element.querySelector('img')).toBeNull();
    expect(view.element.querySelectorAll('table.path-hops')).toHaveLength(2);
    expect(view.element.querySelector('tr.loss-from')!.textContent).toContain('← loss from here');
    expect(view.element.querySelector('tr.route-changed')!.textContent).toContain('10.200.22.1');
    const links = [...view.element.querySelectorAll<HTMLAnchorElement>('a.download')].map((a) => a.getAttribute('href'));
    expect(links).toEqual([
      'http://127.0.0.1:7071/api/targets/home-1~Z3c/paths/20260302T100002.0000000Z?format=mtr',
      'http://127.0.0.1:7071/api/targets/home-1~Z3c/paths/20260302T090000.0000000Z?format=mtr',
    ]);
  });
});
