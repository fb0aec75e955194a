// @vitest-environment happy-dom
// The evidence page: packs grouped per probe, newest first, with their headline figures and download links; the
// rebuild button only for an Admin; hostile names from probes' config stay text.

import { describe, expect, it } from 'vitest';
import type { ApiClient, EvidenceSummary } from '../src/api.ts';
import { parseRoute, routeHref } from '../src/router.ts';
import type { ViewContext } from '../src/views/context.ts';
import { EvidenceView, evidenceGroups, evidenceRow } from '../src/views/evidence.ts';
import { hostileName } from './fixtures.ts';

function pack(overrides: Partial<EvidenceSummary> = {}): EvidenceSummary {
  return {
    probeId: 'home-1',
    site: 'berlin-office',
    kind: 'week',
    period: '2026-W13',
    firstDate: '2026-03-23',
    lastDate: '2026-03-29',
    timeZone: 'Europe/Berlin',
    from: '2026-03-22T23:00:00Z',
    to: '2026-03-29T22:00:00Z',
    createdAt: '2026-03-29T22:25:00Z',
    grade: 'C',
    targetCount: 3,
    incidentCount: 2,
    outageCount: 1,
    worstTarget: 'dns.example',
    worstTargetGrade: 'C',
    worstTargetLossPercent: 0.5,
    worstTargetP95Ms: 45.25,
    emailed: true,
    emailedAt: '2026-03-29T22:25:01Z',
    files: [
      { name: 'pack.pdf', fileName: 'netpulse-evidence-home-1-2026-W13.pdf', contentType: 'application/pdf', bytes: 120000 },
      { name: 'targets.csv', fileName: 'netpulse-evidence-home-1-2026-W13-targets.csv', contentType: 'text/csv; charset=utf-8', bytes: 900 },
    ],
    ...overrides,
  };
}

const month = pack({ kind: 'month', period: '2026-03', firstDate: '2026-03-01', lastDate: '2026-03-31', from: '2026-02-28T23:00:00Z', to: '2026-03-31T22:00:00Z', emailed: false, emailedAt: null });

function context(canWrite: boolean, packs: EvidenceSummary[], calls: string[] = []): ViewContext {
  const api = {
    evidencePacks: (probe: string | null) => {
      calls.push(`list ${probe ?? 'all'}`);
      return Promise.resolve({ packs });
    },
    evidenceFileUrl: (probe: string, kind: string, period: string, file: string) => `https://api.example/api/evidence/${probe}/${kind}/${period}/${file}`,
    rebuildEvidence: (probe: string, kind: string, period: string) => {
      calls.push(`rebuild ${probe} ${kind} ${period}`);
      return Promise.resolve({});
    },
  } as unknown as ApiClient;
  return { api, now: () => new Date('2026-04-01T10:00:00Z'), refreshNow: () => calls.push('refresh'), canWrite };
}

describe('evidenceRow', () => {
  it('says what the pack covers, its worst target and whether it was mailed', () => {
    const row = evidenceRow(pack());

    expect(row.title).toBe('Week 2026-W13');
    expect(row.dates).toBe('2026-03-23 to 2026-03-29 (Europe/Berlin)');
    expect(row.worst).toContain('dns.example: grade C');
    expect(row.counts).toBe('3 targets · 1 outages ≥ 30 s · 2 incidents');
    expect(row.emailed).toMatch(/^emailed /);
    expect(row.downloads).toEqual([
      { label: 'PDF', file: 'pack.pdf', fileName: 'netpulse-evidence-home-1-2026-W13.pdf' },
      { label: 'targets CSV', file: 'targets.csv', fileName: 'netpulse-evidence-home-1-2026-W13-targets.csv' },
    ]);
    expect(evidenceRow(month).emailed).toBe('not emailed');
    expect(evidenceRow(pack({ worstTarget: null, targetCount: 0 })).worst).toBe('no targets');
  });
});

describe('evidenceGroups', () => {
  it('groups by probe in id order, each newest period first, a week before the month of the same start', () => {
    const older = pack({ period: '2026-W12', from: '2026-03-15T23:00:00Z' });
    const other = pack({ probeId: 'a-probe', site: null });
    const sameStart = pack({ period: '2026-W10', from: month.from });

    const groups = evidenceGroups([month, older, pack(), other, sameStart]);

    expect(groups.map((g) => g.probeId)).toEqual(['a-probe', 'home-1']);
    expect(groups[0]!.site).toBe('');
    expect(groups[1]!.site).toBe('berlin-office');
    expect(groups[1]!.rows.map((r) => r.period)).toEqual(['2026-W13', '2026-W12', '2026-W10', '2026-03']);
  });
});

describe('EvidenceView', () => {
  it('lists the packs with download links and keeps hostile names as text', async () => {
    const view = new EvidenceView(context(false, [pack({ probeId: 'home-1', site: hostileName, worstTarget: hostileName })]), null);

    await view.refresh(new AbortController().signal);

    expect(view.element.querySelector('img')).toBeNull();
    expect(view.element.textContent).toContain(hostileName);
    const links = [...view.element.querySelectorAll<HTMLAnchorElement>('a.download')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      'https://api.example/api/evidence/home-1/week/2026-W13/pack.pdf',
      'https://api.example/api/evidence/home-1/week/2026-W13/targets.csv',
    ]);
    expect(links[0]!.getAttribute('download')).toBe('netpulse-evidence-home-1-2026-W13.pdf');
    expect(view.element.querySelector('.rebuild-button')).toBeNull();
  });

  it('gives an admin a rebuild button per pack that rebuilds and refreshes', async () => {
    const calls: string[] = [];
    const view = new EvidenceView(context(true, [pack(), month], calls), 'home-1');

    await view.refresh(new AbortController().signal);
    const buttons = [...view.element.querySelectorAll<HTMLButtonElement>('.rebuild-button')];
    buttons[1]!.click();
    await Promise.resolve();
    await Promise.resolve();

    expect(buttons).toHaveLength(2);
    expect(calls).toEqual(['list home-1', 'rebuild home-1 month 2026-03', 'refresh']);
  });

  it('says when there are no packs yet', async () => {
    const view = new EvidenceView(context(false, []), null);

    await view.refresh(new AbortController().signal);

    expect(view.element.querySelector('.empty')?.textContent).toContain('No evidence packs yet');
  });
});

describe('the evidence route', () => {
  it('parses and writes #/evidence with an optional probe', () => {
    expect(parseRoute('#/evidence')).toEqual({ page: 'evidence', probe: null });
    expect(parseRoute('#/evidence?probe=home-1')).toEqual({ page: 'evidence', probe: 'home-1' });
    expect(routeHref({ page: 'evidence', probe: 'a b&c' })).toBe('#/evidence?probe=a+b%26c');
    expect(parseRoute(routeHref({ page: 'evidence', probe: 'a b&c' }))).toEqual({ page: 'evidence', probe: 'a b&c' });
    expect(parseRoute('#/evidence/x')).toEqual({ page: 'notFound', hash: '#/evidence/x' });
  });
});
