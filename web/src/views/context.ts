import type { ApiClient } from '../api.ts';

/** What every page needs from the app around it. */
export interface ViewContext {
  readonly api: ApiClient;
  now(): Date;
  /** Refreshes the page on show at once (after a filter changed) rather than at the next tick. */
  refreshNow(): void;
}
