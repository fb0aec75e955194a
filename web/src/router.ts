// Hash routes, so the page works from any static host with no rewrite rules:
//   #/                              overview
//   #/target/<id>?range=24h         one target's chart
//   #/incidents?target=&type=&state=&range=
//   #/reports                       the list of report dates
//   #/reports/<yyyy-mm-dd>          one day's report
//   #/maintenance                   maintenance windows
//   #/alerts?state=undelivered      alert notices and their delivery (state: undelivered or all)
//   #/manage-targets                the probes whose targets can be managed centrally
//   #/probes/<probe>/targets        one probe's managed targets: the editor
//   #/fleet                         the probes: version, last seen, spool, ICMP path, clock
//   #/shared/<token>                what a share link shows, without sign-in (views/shared.ts)
//   #/evidence?probe=<probe>        the weekly and monthly evidence packs (one probe's, or all)
//   #/ranking?range=7d&by=loss      the worst targets over a range (range 24h, 7d, 31d; by loss, p95, jitter)
//   #/incidents/<id>/path           an incident's path at its start beside the last baseline

import { incidentStates, type IncidentState } from './api.ts';
import { isIncidentType, type IncidentType } from './incidentTypes.ts';
import { isRangeKey, type RangeKey } from './series.ts';
import { isRankingMetric, isRankingRange, type RankingRange } from './views/ranking.ts';
import type { RankingMetric } from './api.ts';

export type Route =
  | { page: 'overview' }
  | { page: 'target'; id: string; range: RangeKey }
  | { page: 'incidents'; target: string | null; type: IncidentType | null; state: IncidentState; range: RangeKey }
  | { page: 'reports'; date: string | null }
  | { page: 'maintenance' }
  | { page: 'alerts'; state: 'undelivered' | 'all' }
  | { page: 'manageTargets'; probe: string | null }
  | { page: 'fleet' }
  | { page: 'shared'; token: string }
  | { page: 'evidence'; probe: string | null }
  | { page: 'ranking'; range: RankingRange; by: RankingMetric }
  | { page: 'incidentPath'; incident: string }
  | { page: 'notFound'; hash: string };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart = '', queryPart = ''] = raw.split('?', 2);
  const segments = pathPart.split('/').filter((s) => s !== '');
  const query = new URLSearchParams(queryPart);

  const decoded = segments.map(tryDecode);
  if (decoded.some((s) => s === null)) {
    return { page: 'notFound', hash };
  }

  const [first, second, ...rest] = decoded as string[];
  if (first === undefined) {
    return { page: 'overview' };
  }

  if (first === 'target' && second !== undefined && rest.length === 0) {
    const range = query.get('range');
    return { page: 'target', id: second, range: isRangeKey(range) ? range : '24h' };
  }

  if (first === 'incidents' && second === undefined) {
    const type = query.get('type');
    const state = query.get('state');
    const range = query.get('range');
    return {
      page: 'incidents',
      target: query.get('target') || null,
      type: isIncidentType(type) ? type : null,
      state: isIncidentState(state) ? state : 'all',
      range: isRangeKey(range) ? range : '7d',
    };
  }

  if (first === 'incidents' && second !== undefined && rest.length === 1 && rest[0] === 'path') {
    return { page: 'incidentPath', incident: second };
  }

  if (first === 'maintenance' && second === undefined) {
    return { page: 'maintenance' };
  }

  if (first === 'alerts' && second === undefined) {
    return { page: 'alerts', state: query.get('state') === 'undelivered' ? 'undelivered' : 'all' };
  }

  if (first === 'manage-targets' && second === undefined) {
    return { page: 'manageTargets', probe: null };
  }

  if (first === 'probes' && second !== undefined && rest.length === 1 && rest[0] === 'targets') {
    return { page: 'manageTargets', probe: second };
  }

  if (first === 'fleet' && second === undefined) {
    return { page: 'fleet' };
  }

  if (first === 'shared' && second !== undefined && rest.length === 0) {
    return { page: 'shared', token: second };
  }
  if (first === 'evidence' && second === undefined) {
    return { page: 'evidence', probe: query.get('probe') || null };
  }
  if (first === 'ranking' && second === undefined) {
    const range = query.get('range');
    const by = query.get('by');
    return { page: 'ranking', range: isRankingRange(range) ? range : '7d', by: isRankingMetric(by) ? by : 'loss' };
  }

  if (first === 'reports' && rest.length === 0) {
    if (second === undefined) {
      return { page: 'reports', date: null };
    }

    return /^\d{4}-\d{2}-\d{2}$/.test(second) ? { page: 'reports', date: second } : { page: 'notFound', hash };
  }

  return { page: 'notFound', hash };
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case 'overview':
      return '#/';
    case 'target':
      return `#/target/${encodeURIComponent(route.id)}${route.range === '24h' ? '' : `?range=${route.range}`}`;
    case 'incidents': {
      const query = new URLSearchParams();
      if (route.target) query.set('target', route.target);
      if (route.type) query.set('type', route.type);
      if (route.state !== 'all') query.set('state', route.state);
      if (route.range !== '7d') query.set('range', route.range);
      const search = query.toString();
      return `#/incidents${search ? `?${search}` : ''}`;
    }
    case 'reports':
      return route.date ? `#/reports/${route.date}` : '#/reports';
    case 'maintenance':
      return '#/maintenance';
    case 'alerts':
      return route.state === 'undelivered' ? '#/alerts?state=undelivered' : '#/alerts';
    case 'manageTargets':
      return route.probe === null ? '#/manage-targets' : `#/probes/${encodeURIComponent(route.probe)}/targets`;
    case 'fleet':
      return '#/fleet';
    case 'shared':
      return `#/shared/${encodeURIComponent(route.token)}`;
    case 'evidence':
      return route.probe === null ? '#/evidence' : `#/evidence?${new URLSearchParams({ probe: route.probe }).toString()}`;
    case 'ranking': {
      const query = new URLSearchParams();
      if (route.range !== '7d') query.set('range', route.range);
      if (route.by !== 'loss') query.set('by', route.by);
      const search = query.toString();
      return `#/ranking${search ? `?${search}` : ''}`;
    }
    case 'incidentPath':
      return `#/incidents/${encodeURIComponent(route.incident)}/path`;
    case 'notFound':
      return route.hash;
  }
}

function isIncidentState(value: string | null): value is IncidentState {
  return incidentStates.some((state) => state === value);
}

function tryDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
