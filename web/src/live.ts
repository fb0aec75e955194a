// The refresh loop: the page on show refreshes itself every few seconds, in place. Failures do not
// clear what is on screen; they raise the banner, and the next good refresh lowers it.

import { ApiError, isAbort, isUnreachable } from './api.ts';
import { h, setClass, setText } from './dom.ts';
import { formatAgo } from './format.ts';

/** One page of the dashboard. refresh() fetches and updates its DOM in place; it must not rebuild it. */
export interface View {
  readonly element: HTMLElement;
  refresh(signal: AbortSignal): Promise<void>;
  /** Called every second between refreshes, for relative times ("4 s ago"); text only. */
  tick?(now: Date): void;
  dispose(): void;
}

export type LiveState =
  | { kind: 'loading' }
  | { kind: 'ok'; at: Date }
  | { kind: 'unreachable'; lastOk: Date | null; error: unknown }
  | { kind: 'failed'; lastOk: Date | null; error: unknown };

export interface Clock {
  now(): Date;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class LiveLoop {
  #view: View | null = null;
  #controller: AbortController | null = null;
  #timer: unknown = null;
  #running: Promise<void> | null = null;
  #lastOk: Date | null = null;
  #lastState: LiveState | null = null;
  #stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly onState: (state: LiveState) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  get view(): View | null {
    return this.#view;
  }

  /** Shows a new page: the old one's requests are cancelled, and the new one refreshes at once. */
  show(view: View): Promise<void> {
    this.#controller?.abort();
    this.#view?.dispose();
    this.#view = view;
    this.#running = null;
    // "updated 3 s ago" spoke of the old page's data; the new page has none yet. A raised banner stays up.
    if (this.#lastState?.kind !== 'unreachable' && this.#lastState?.kind !== 'failed') {
      this.#emit({ kind: 'loading' });
    }

    return this.refreshNow();
  }

  /** Refreshes now (a filter changed, the tab came back) and restarts the interval from here. */
  refreshNow(): Promise<void> {
    if (this.#stopped) {
      return Promise.resolve();
    }

    this.#cancelTimer();
    // A refresh of this page already under way will do; a second one would only race it.
    if (this.#running) {
      return this.#running;
    }

    const view = this.#view;
    if (!view) {
      return Promise.resolve();
    }

    const controller = new AbortController();
    this.#controller = controller;
    const run = this.#refresh(view, controller).finally(() => {
      if (this.#running === run) {
        this.#running = null;
      }

      if (this.#view === view && !this.#stopped) {
        this.#schedule();
      }
    });
    this.#running = run;
    return run;
  }

  stop(): void {
    this.#stopped = true;
    this.#cancelTimer();
    this.#controller?.abort();
    this.#view?.dispose();
    this.#view = null;
  }

  async #refresh(view: View, controller: AbortController): Promise<void> {
    try {
      await view.refresh(controller.signal);
      if (controller.signal.aborted) {
        return;
      }

      this.#lastOk = this.clock.now();
      this.#emit({ kind: 'ok', at: this.#lastOk });
    } catch (error) {
      if (controller.signal.aborted || isAbort(error)) {
        return;
      }

      this.#emit(
        isUnreachable(error)
          ? { kind: 'unreachable', lastOk: this.#lastOk, error }
          : { kind: 'failed', lastOk: this.#lastOk, error },
      );
    }
  }

  #emit(state: LiveState): void {
    this.#lastState = state;
    this.onState(state);
  }

  #schedule(): void {
    this.#cancelTimer();
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = null;
      void this.refreshNow();
    }, this.intervalMs);
  }

  #cancelTimer(): void {
    if (this.#timer !== null) {
      this.clock.clearTimeout(this.#timer);
      this.#timer = null;
    }
  }
}

/** The strip under the header: "updated 3 s ago", and the banner when the API is away. */
export class StatusBar {
  readonly element: HTMLElement;
  readonly #updated: HTMLElement;
  readonly #banner: HTMLElement;
  readonly #bannerTitle: HTMLElement;
  readonly #bannerDetail: HTMLElement;
  #state: LiveState = { kind: 'loading' };

  constructor(
    private readonly apiBaseUrl: string,
    private readonly refreshSeconds: number,
  ) {
    this.#updated = h('span', { class: 'updated', 'aria-live': 'off' }, 'loading…');
    this.#bannerTitle = h('strong');
    this.#bannerDetail = h('span');
    this.#banner = h('div', { class: 'banner', role: 'alert', hidden: true }, this.#bannerTitle, ' ', this.#bannerDetail);
    this.element = h('div', { class: 'status-bar' }, this.#banner, this.#updated);
  }

  get state(): LiveState {
    return this.#state;
  }

  set(state: LiveState, now: Date): void {
    this.#state = state;
    this.tick(now);
  }

  /** Called every second: only the "N s ago" text changes. */
  tick(now: Date): void {
    const state = this.#state;
    switch (state.kind) {
      case 'loading':
        setText(this.#updated, 'loading…');
        this.#hideBanner();
        break;
      case 'ok':
        setText(this.#updated, `updated ${formatAgo(state.at, now)}`);
        this.#hideBanner();
        break;
      case 'unreachable':
        setText(this.#updated, state.lastOk ? `last updated ${formatAgo(state.lastOk, now)}` : 'no data yet');
        this.#showBanner(
          'unreachable',
          'The NetPulse API is unreachable.',
          `Tried ${this.apiBaseUrl}; retrying every ${this.refreshSeconds} s.${state.lastOk ? ' The figures below are from the last successful update.' : ''}`,
        );
        break;
      case 'failed':
        setText(this.#updated, state.lastOk ? `last updated ${formatAgo(state.lastOk, now)}` : 'no data yet');
        this.#showBanner('failed', 'The NetPulse API answered with an error.', describeError(state.error));
        break;
    }
  }

  #showBanner(kind: string, title: string, detail: string): void {
    setClass(this.#banner, `banner banner-${kind}`);
    setText(this.#bannerTitle, title);
    setText(this.#bannerDetail, detail);
    if (this.#banner.hidden) {
      this.#banner.hidden = false;
    }
  }

  #hideBanner(): void {
    if (!this.#banner.hidden) {
      this.#banner.hidden = true;
    }
  }
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) {
      return '401: the API wants a signed-in user. Sign-in is set by "auth" in config.json.';
    }

    if (error.status === 403) {
      return '403: the signed-in account lacks the NetPulse role this needs.';
    }

    const parameter = error.problem?.parameter ? ` (parameter ${error.problem.parameter})` : '';
    return `${error.status}: ${error.message}${parameter}`;
  }

  return error instanceof Error ? error.message : String(error);
}
