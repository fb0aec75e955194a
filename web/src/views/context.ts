import type { ApiClient } from '../api.ts';

/** What every page needs from the app around it. */
export interface ViewContext {
  readonly api: ApiClient;
  now(): Date;
  /** Refreshes the page on show at once (after a filter changed) rather than at the next tick. */
  refreshNow(): void;
  /**
   * Whether to offer write actions (report rebuild): always with an open API; with sign-in, only to the Admin
   * role (from the ID token). The API decides in the end: its 403 is still handled.
   */
  readonly canWrite: boolean;
}
