// @vitest-environment happy-dom
// The incident kinds are one table (src/incidentTypes.ts). These tests hold it to the API's names, as
// web/API.md documents them and the API's handler accepts them, and check that the places that list
// kinds (the route, the type filter, the chart legend) take every kind from it.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ApiClient, incidentStates } from '../src/api.ts';
import { incidentTypeInfo, incidentTypeNames, incidentTypes, isIncidentType } from '../src/incidentTypes.ts';
import { parseRoute, routeHref } from '../src/router.ts';
import { describeOpenIncident } from '../src/status.ts';
import { IncidentsView } from '../src/views/incidents.ts';
import { formatPeak } from '../src/views/incident-table.ts';
import { at, incident } from './fixtures.ts';

const read = (relative: string): string => readFileSync(fileURLToPath(new URL(relative, import.meta.url)), 'utf8');

/** The quoted names of a TypeScript union or a C# string array, in order. */
const quoted = (text: string): string[] => [...text.matchAll(/['"]([A-Za-z]+)['"]/g)].map((m) => m[1]!);

function match(text: string, pattern: RegExp, where: string): string {
  const found = pattern.exec(text)?.[1];
  if (found === undefined) {
    throw new Error(`${where} no longer matches ${pattern}: update this test to read the list where it now lives`);
  }

  return found;
}

const apiMd = read('../API.md');
const handler = read('../../functions/NetPulse.Monitoring.Api/IncidentsHandler.cs');
const kindTable = read('../../functions/NetPulse.Monitoring.Incidents/IncidentKind.cs');

/** The API names in the rows of the backend's IncidentKind table, in order. */
const backendApiNames = (): string[] => {
  const names = [...kindTable.matchAll(/IncidentType\.\w+ => new\(type, '.', "([A-Za-z]+)"/g)].map((m) => m[1]!);
  if (names.length === 0) {
    throw new Error('IncidentKind.cs no longer matches its row pattern: update this test to read the kinds where they now live');
  }

  return names;
};

describe('incidentTypes', () => {
  it('has exactly the kinds of API.md\'s Incident.type', () => {
    const union = match(apiMd, /^\s*type: ('[^;]+);/m, 'API.md\'s Incident interface');

    expect(incidentTypeNames).toEqual(quoted(union));
  });

  it('has exactly the kinds the incidents filter of API.md and the backend\'s IncidentKind table accept', () => {
    const documented = match(apiMd, /`type` = ([A-Za-z/]+)/, 'API.md\'s /api/incidents row').split('/');
    expect(incidentTypeNames).toEqual(documented);
    expect(incidentTypeNames).toEqual(backendApiNames());
  });

  it('has exactly the states the incidents filter of the API handler accepts', () => {
    const accepted = quoted(match(handler, /string\[\] States = \[([^\]]*)\]/, 'IncidentsHandler.cs'));

    expect([...incidentStates].sort()).toEqual([...accepted].sort());
  });

  it('gives every kind a distinct label and colour, and a distinct rank among open incidents', () => {
    const entries = Object.values(incidentTypes);
    for (const [name, entry] of Object.entries(incidentTypes)) {
      expect(entry.label.trim(), name).not.toBe('');
      expect(entry.colour, name).toMatch(/^rgba\(\d+, \d+, \d+, 0\.\d+\)$/);
    }

    expect(new Set(entries.map((e) => e.label)).size).toBe(entries.length);
    expect(new Set(entries.map((e) => e.colour)).size).toBe(entries.length);
    expect(new Set(entries.map((e) => e.severity)).size).toBe(entries.length);
  });

  it('reads a kind the API grows before the dashboard does under its own name, last in rank', () => {
    expect(isIncidentType('jitter')).toBe(false);
    expect(isIncidentType('toString')).toBe(false);
    expect(incidentTypeInfo('jitter')).toMatchObject({ label: 'jitter', unit: null });
    expect(Math.min(...Object.values(incidentTypes).map((e) => e.severity))).toBeLessThan(incidentTypeInfo('jitter').severity);
    expect(describeOpenIncident(incident({ type: 'jitter' as never, start: at(-5), end: null }), new Date(at(0)))).toBe('jitter for 5 s');
    expect(formatPeak(incident({ type: 'jitter' as never, peakValue: 3, threshold: 2 }))).toBe('–');
  });

  it.each(incidentTypeNames)('routes the %s filter both ways', (type) => {
    const route = parseRoute(`#/incidents?type=${type}`);

    expect(route).toMatchObject({ page: 'incidents', type });
    expect(parseRoute(routeHref(route))).toEqual(route);
  });

  it('offers every kind in the type filter, by its label, and every state in the state filter', () => {
    const context = {
      api: new ApiClient({ apiBaseUrl: 'http://127.0.0.1:9/api', timeoutMs: 100 }),
      now: () => new Date(at(0)),
      refreshNow: () => {},
      canWrite: true,
    };
    const view = new IncidentsView(context, { page: 'incidents', target: null, type: null, state: 'all', range: '7d' }, () => {});

    const options = [...view.element.querySelectorAll<HTMLOptionElement>('select[name="type"] option')];
    expect(options.map((o) => [o.value, o.textContent])).toEqual([['', 'all types'], ...incidentTypeNames.map((t) => [t, incidentTypes[t].label])]);
    const states = [...view.element.querySelectorAll<HTMLOptionElement>('select[name="state"] option')].map((o) => o.value);
    expect(states).toEqual([...incidentStates]);
  });
});
