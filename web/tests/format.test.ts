import { describe, expect, it } from 'vitest';
import { formatAgo, formatDuration, formatPercent, formatRtt, parseTime } from '../src/format.ts';

describe('formatAgo ("updated N s ago")', () => {
  const now = new Date('2026-11-27T05:00:00Z');
  const ago = (ms: number): Date => new Date(now.getTime() - ms);

  it.each([
    [0, '0 s ago'],
    [999, '0 s ago'],
    [4_200, '4 s ago'],
    [59_999, '59 s ago'],
    [60_000, '1 min ago'],
    [95_000, '1 min 35 s ago'],
    [3_600_000, '1 h ago'],
    [3_780_000, '1 h 3 min ago'],
    [2 * 86_400_000 + 5 * 3_600_000, '2 d 5 h ago'],
  ])('%i ms ago reads "%s"', (ms, text) => {
    expect(formatAgo(ago(ms), now)).toBe(text);
  });

  it('never says "in N s" when the clocks disagree a little', () => {
    expect(formatAgo(new Date(now.getTime() + 1500), now)).toBe('0 s ago');
  });

  it('says never for no time', () => {
    expect(formatAgo(null, now)).toBe('never');
    expect(formatAgo(new Date('nonsense'), now)).toBe('never');
  });

  it('takes epoch milliseconds too', () => {
    expect(formatAgo(now.getTime() - 7000, now.getTime())).toBe('7 s ago');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [59.9, '59 s'],
    [60, '1 min'],
    [61, '1 min 1 s'],
    [7200, '2 h'],
    [86_400, '1 d'],
    [90_000, '1 d 1 h'],
  ])('%d s is "%s"', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('shows a dash for nothing or nonsense', () => {
    expect(formatDuration(null)).toBe('–');
    expect(formatDuration(-1)).toBe('–');
    expect(formatDuration(Number.NaN)).toBe('–');
  });
});

describe('formatPercent', () => {
  it('never rounds a short outage up to 100 % or a little loss down to 0 %', () => {
    expect(formatPercent(99.96)).toBe('99.9 %');
    expect(formatPercent(99.996, 2)).toBe('99.99 %');
    expect(formatPercent(0.01)).toBe('0.1 %');
  });

  it('shows exact values plainly', () => {
    expect(formatPercent(100)).toBe('100.0 %');
    expect(formatPercent(0)).toBe('0.0 %');
    expect(formatPercent(12.345, 2)).toBe('12.35 %');
    expect(formatPercent(null)).toBe('–');
  });
});

describe('formatRtt', () => {
  it.each([
    [0.0456, '0.046 ms'],
    [1.234, '1.23 ms'],
    [23.45, '23.4 ms'],
    [1520, '1.52 s'],
  ])('%d ms is "%s"', (ms, text) => {
    expect(formatRtt(ms)).toBe(text);
  });

  it('shows a dash for no RTT', () => {
    expect(formatRtt(null)).toBe('–');
    expect(formatRtt(Number.POSITIVE_INFINITY)).toBe('–');
  });
});

describe('parseTime', () => {
  it('reads ISO-8601 UTC and refuses anything else', () => {
    expect(parseTime('2026-11-27T05:00:00Z')?.getTime()).toBe(Date.UTC(2026, 10, 27, 5));
    expect(parseTime('yesterday')).toBeNull();
    expect(parseTime(null)).toBeNull();
  });
});
