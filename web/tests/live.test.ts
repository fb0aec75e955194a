// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { ApiError, ApiUnreachableError } from '../src/api.ts';
import { type Clock, type LiveState, LiveLoop, StatusBar, type View } from '../src/live.ts';

/** A clock whose timers run only when the test says so. */
class ManualClock implements Clock {
  time = new Date('2026-11-27T05:00:00Z');
  timers: { callback: () => void; ms: number; id: number }[] = [];
  #next = 1;

  now(): Date {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.timers.push({ callback, ms, id });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Advances to the next timer and runs it. */
  fire(): void {
    const timer = this.timers.shift();
    if (!timer) {
      throw new Error('no timer pending');
    }

    this.time = new Date(this.time.getTime() + timer.ms);
    timer.callback();
  }
}

class FakeView implements View {
  readonly element = document.createElement('div');
  calls = 0;
  disposed = false;
  outcomes: (Error | null)[] = [];

  refresh(signal: AbortSignal): Promise<void> {
    this.calls++;
    signal.throwIfAborted();
    const outcome = this.outcomes.shift() ?? null;
    return outcome ? Promise.reject(outcome) : Promise.resolve();
  }

  dispose(): void {
    this.disposed = true;
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('LiveLoop', () => {
  it('refreshes at once, then every interval, reporting each success', async () => {
    const clock = new ManualClock();
    const states: LiveState[] = [];
    const loop = new LiveLoop(5000, (s) => states.push(s), clock);
    const view = new FakeView();

    await loop.show(view);
    expect(view.calls).toBe(1);
    expect(clock.timers.map((t) => t.ms)).toEqual([5000]);

    clock.fire();
    await flush();
    expect(view.calls).toBe(2);
    expect(states.map((s) => s.kind)).toEqual(['loading', 'ok', 'ok']);
    expect(clock.timers).toHaveLength(1);
  });

  it('reports an unreachable API, keeps trying, and recovers', async () => {
    const clock = new ManualClock();
    const states: LiveState[] = [];
    const loop = new LiveLoop(5000, (s) => states.push(s), clock);
    const view = new FakeView();
    view.outcomes = [null, new ApiUnreachableError('http://x/api/targets', new TypeError('fetch failed')), null];

    await loop.show(view);
    const firstOk = clock.now();
    clock.fire();
    await flush();
    const down = states[2];
    expect(down?.kind).toBe('unreachable');
    expect(down?.kind === 'unreachable' && down.lastOk).toEqual(firstOk);

    clock.fire();
    await flush();
    expect(states.map((s) => s.kind)).toEqual(['loading', 'ok', 'unreachable', 'ok']);
  });

  it('tells an API error apart from an outage', async () => {
    const states: LiveState[] = [];
    const loop = new LiveLoop(5000, (s) => states.push(s), new ManualClock());
    const view = new FakeView();
    view.outcomes = [new ApiError('http://x/api/targets', 500, null)];

    await loop.show(view);

    expect(states.map((s) => s.kind)).toEqual(['loading', 'failed']);
  });

  it('shows a new page as loading, but keeps the banner up while the API is away', async () => {
    const states: LiveState[] = [];
    const loop = new LiveLoop(5000, (s) => states.push(s), new ManualClock());
    const first = new FakeView();
    first.outcomes = [new ApiUnreachableError('http://x/api/targets', new TypeError('fetch failed'))];

    await loop.show(first);
    await loop.show(new FakeView());

    expect(states.map((s) => s.kind)).toEqual(['loading', 'unreachable', 'ok']);
  });

  it('cancels the old page when a new one is shown, and stops cleanly', async () => {
    const clock = new ManualClock();
    const loop = new LiveLoop(5000, () => {}, clock);
    const first = new FakeView();
    const second = new FakeView();

    await loop.show(first);
    await loop.show(second);
    expect(first.disposed).toBe(true);
    expect(clock.timers).toHaveLength(1);

    loop.stop();
    expect(second.disposed).toBe(true);
    expect(clock.timers).toHaveLength(0);
  });
});

describe('StatusBar', () => {
  const t = new Date('2026-11-27T05:00:00Z');
  const later = (s: number): Date => new Date(t.getTime() + s * 1000);

  it('counts the seconds since the last update', () => {
    const bar = new StatusBar('http://127.0.0.1:7071/api', 5);
    bar.set({ kind: 'ok', at: t }, t);
    expect(bar.element.querySelector('.updated')?.textContent).toBe('updated 0 s ago');

    bar.tick(later(3));
    expect(bar.element.querySelector('.updated')?.textContent).toBe('updated 3 s ago');
    expect(bar.element.querySelector<HTMLElement>('.banner')?.hidden).toBe(true);
  });

  it('raises a clear banner when the API is unreachable and lowers it when it is back', () => {
    const bar = new StatusBar('http://127.0.0.1:7071/api', 5);
    bar.set({ kind: 'ok', at: t }, t);
    const banner = bar.element.querySelector<HTMLElement>('.banner')!;

    bar.set({ kind: 'unreachable', lastOk: t, error: new Error('x') }, later(12));
    expect(banner.hidden).toBe(false);
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain('The NetPulse API is unreachable.');
    expect(banner.textContent).toContain('http://127.0.0.1:7071/api');
    expect(bar.element.querySelector('.updated')?.textContent).toBe('last updated 12 s ago');

    bar.set({ kind: 'ok', at: later(15) }, later(15));
    expect(banner.hidden).toBe(true);
  });

  it('says what 401 and 403 mean, and names the bad parameter on 400', () => {
    const bar = new StatusBar('http://x/api', 5);
    bar.set({ kind: 'failed', lastOk: null, error: new ApiError('u', 401, null) }, t);
    expect(bar.element.textContent).toContain('401: the API wants a signed-in user');
    bar.set({ kind: 'failed', lastOk: null, error: new ApiError('u', 403, null) }, t);
    expect(bar.element.textContent).toContain('403: the signed-in account lacks the NetPulse role');

    bar.set({ kind: 'failed', lastOk: null, error: new ApiError('u', 400, { detail: 'bad range', parameter: 'from' }) }, t);
    expect(bar.element.textContent).toContain('400: bad range (parameter from)');
  });
});
