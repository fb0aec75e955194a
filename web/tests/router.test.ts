import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref, type Route } from '../src/router.ts';
import { hostileName } from './fixtures.ts';

describe('parseRoute', () => {
  it.each<[string, Route]>([
    ['', { page: 'overview' }],
    ['#/', { page: 'overview' }],
    ['#/target/home-1.gw', { page: 'target', id: 'home-1.gw', range: '24h' }],
    ['#/target/home-1.gw?range=7d', { page: 'target', id: 'home-1.gw', range: '7d' }],
    ['#/target/home-1.gw?range=1y', { page: 'target', id: 'home-1.gw', range: '24h' }],
    ['#/incidents', { page: 'incidents', target: null, type: null, state: 'all', range: '7d' }],
    ['#/incidents?target=a&type=loss&state=open&range=30d', { page: 'incidents', target: 'a', type: 'loss', state: 'open', range: '30d' }],
    ['#/incidents?type=bogus&state=bogus', { page: 'incidents', target: null, type: null, state: 'all', range: '7d' }],
    ['#/reports', { page: 'reports', date: null }],
    ['#/reports/2026-11-26', { page: 'reports', date: '2026-11-26' }],
    ['#/reports/yesterday', { page: 'notFound', hash: '#/reports/yesterday' }],
    ['#/nowhere', { page: 'notFound', hash: '#/nowhere' }],
    ['#/target/%E0%A4%A', { page: 'notFound', hash: '#/target/%E0%A4%A' }],
  ])('%s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('round-trips every route through its href, hostile ids included', () => {
    const routes: Route[] = [
      { page: 'overview' },
      { page: 'target', id: hostileName, range: '1h' },
      { page: 'target', id: 'a/b?c#d', range: '24h' },
      { page: 'incidents', target: hostileName, type: 'probeSilent', state: 'resolved', range: '24h' },
      { page: 'reports', date: '2026-11-26' },
    ];

    for (const route of routes) {
      expect(parseRoute(routeHref(route))).toEqual(route);
    }
  });

  it('keeps markup out of hrefs', () => {
    expect(routeHref({ page: 'target', id: hostileName, range: '24h' })).not.toMatch(/[<> ]/);
  });
});
