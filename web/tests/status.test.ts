import { describe, expect, it } from 'vitest';
import { classifyProbe, classifyTarget, countByHealth, groupByCategory, normaliseHealth, uncategorised } from '../src/status.ts';
import { at, incident, probe, target } from './fixtures.ts';

const now = new Date(at(0));

describe('classifyTarget', () => {
  it('shows the API status of a healthy target with nothing to explain', () => {
    expect(classifyTarget(target(), probe(), now)).toEqual({ health: 'up', label: 'Up', reason: '' });
  });

  it('explains a down target by its open incident and how long it has lasted', () => {
    const status = classifyTarget(target({ status: 'down', openIncidents: [incident({ start: at(-125), end: null })] }), probe(), now);

    expect(status).toEqual({ health: 'down', label: 'Down', reason: 'Down for 2 min 5 s' });
  });

  it('names the most severe of several open incidents', () => {
    const status = classifyTarget(
      target({ status: 'down', openIncidents: [incident({ id: 'l', type: 'latency', end: null }), incident({ id: 'd', type: 'down', end: null, start: at(-30) })] }),
      probe(),
      now,
    );

    expect(status.reason).toBe('Down for 30 s');
  });

  it('explains degraded by loss or latency above the target threshold when no incident is open yet', () => {
    expect(classifyTarget(target({ status: 'degraded', loss1hPercent: 12 }), probe(), now).reason).toBe('loss 12.0 % over 1 h');
    expect(classifyTarget(target({ status: 'degraded', lastRttMs: 300 }), probe(), now).reason).toBe('RTT above 150.0 ms');
  });

  it('shows unknown when the probe that watches the target is silent, whatever the target last said', () => {
    const status = classifyTarget(target({ status: 'up' }), probe({ silent: true }), now);

    expect(status).toEqual({ health: 'unknown', label: 'Unknown', reason: 'probe home-1 silent' });
  });

  it('reads a status it does not know as unknown', () => {
    expect(classifyTarget(target({ status: 'flapping' as never }), probe(), now).health).toBe('unknown');
    expect(classifyTarget(target({ status: 'unknown', lastSampleAt: null }), probe(), now).reason).toBe('no samples yet');
  });
});

describe('normaliseHealth', () => {
  it('keeps the four known states and nothing else', () => {
    expect(['up', 'degraded', 'down', 'unknown', 'UP', '', null].map(normaliseHealth)).toEqual(['up', 'degraded', 'down', 'unknown', 'unknown', 'unknown', 'unknown']);
  });
});

describe('classifyProbe', () => {
  it('gives the last-seen time of a live probe', () => {
    expect(classifyProbe(probe({ lastSeenAt: at(-12) }), now)).toEqual({ silent: false, text: 'last seen 12 s ago' });
  });

  it('warns about a silent probe', () => {
    expect(classifyProbe(probe({ lastSeenAt: at(-600), silent: true }), now)).toEqual({ silent: true, text: 'silent — last seen 10 min ago' });
  });

  it('warns about a probe never seen', () => {
    expect(classifyProbe(probe({ lastSeenAt: null }), now)).toEqual({ silent: true, text: 'never seen' });
  });
});

describe('groupByCategory', () => {
  it('groups by category alphabetically, names sorted naturally, uncategorised last', () => {
    const groups = groupByCategory([
      target({ id: '1', name: 'web-10', category: 'servers' }),
      target({ id: '2', name: 'web-9', category: 'servers' }),
      target({ id: '3', name: 'lonely', category: null }),
      target({ id: '4', name: 'dns', category: 'Public DNS' }),
      target({ id: '5', name: 'blank', category: '  ' }),
    ]);

    expect(groups.map((g) => g.title)).toEqual(['Public DNS', 'servers', uncategorised]);
    expect(groups[1]?.targets.map((t) => t.name)).toEqual(['web-9', 'web-10']);
    expect(groups[2]?.targets.map((t) => t.name)).toEqual(['blank', 'lonely']);
  });
});

describe('groupByCategory keys', () => {
  it('keeps a category called "Uncategorised" apart from targets without one', () => {
    const groups = groupByCategory([target({ id: '1', category: uncategorised }), target({ id: '2', category: null })]);

    expect(groups).toHaveLength(2);
    expect(new Set(groups.map((g) => g.key)).size).toBe(2);
  });
});

describe('countByHealth', () => {
  it('counts tiles per state', () => {
    const counts = countByHealth([
      { health: 'up', label: '', reason: '' },
      { health: 'up', label: '', reason: '' },
      { health: 'down', label: '', reason: '' },
    ]);

    expect(counts).toEqual({ up: 2, degraded: 0, down: 1, unknown: 0 });
  });
});
