// Read-only share links (GET/POST /shares, DELETE /shares/{id}, GET /shared/{token}...): the types of web/API.md
// and the pure parts of the shared page, so they are tested without a browser.

import type { Target } from './api.ts';

export type ShareScope = 'target' | 'pack';
export type ShareState = 'active' | 'expired' | 'revoked';

export interface SharePack {
  kind: 'week' | 'month';
  period: string;
  files: string[];
}

/** A link as the Admin sees it; `token` only in the answer to the POST that made it. */
export interface ShareLink {
  id: string;
  scope: ShareScope;
  probeId: string;
  targetId: string | null;
  targetName: string | null;
  pack: SharePack | null;
  dataFrom: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  note: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  state: ShareState;
  token: string | null;
}

export interface ShareLinkRequest {
  scope: ShareScope;
  target?: string;
  probe?: string;
  kind?: 'week' | 'month';
  period?: string;
  /** ISO-8601 duration: P7D, PT12H. */
  expiresIn?: string;
  note?: string;
}

/** GET /shared/{token}: what a link shows, to anyone holding it. */
export interface SharedView {
  scope: ShareScope;
  probeId: string;
  site: string | null;
  dataFrom: string;
  expiresAt: string;
  target: Target | null;
  pack: SharePack | null;
}

/** The expiries the share dialog offers, as ISO-8601 durations; the API caps them at NetPulse:Shares:MaxLifetime. */
export const shareExpiries = [
  { label: '1 day', value: 'P1D' },
  { label: '7 days', value: 'P7D' },
  { label: '30 days', value: 'P30D' },
] as const;

/** The dashboard address of a link: this page's address with #/shared/<token>. */
export function shareUrl(pageUrl: string, token: string): string {
  const url = new URL(pageUrl);
  url.hash = `#/shared/${token}`;
  return url.toString();
}

/** The links of one target that still work, newest first, for the target page's list. */
export function activeLinksOf(links: ShareLink[], targetId: string): ShareLink[] {
  return links.filter((l) => l.scope === 'target' && l.targetId === targetId && l.state === 'active').sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export interface SharedPageModel {
  title: string;
  /** Probe and site, as the reader needs them to tell the ISP which line. */
  subtitle: string;
  expiresAt: Date;
  /** The chart's window: the last `seconds` up to now, never before the link's data. */
  window: { from: Date; to: Date } | null;
  files: { name: string; href: string }[];
}

/** What the shared page shows for a link's view at `now`, with a chart window of `seconds`. */
export function sharedPageModel(view: SharedView, now: Date, seconds: number, fileUrl: (file: string) => string): SharedPageModel {
  const where = `probe ${view.probeId}${view.site ? ` · ${view.site}` : ''}`;
  const expiresAt = new Date(view.expiresAt);
  if (view.scope === 'pack' && view.pack) {
    return {
      title: `Evidence pack ${view.pack.period} (${view.pack.kind === 'week' ? 'week' : 'month'})`,
      subtitle: where,
      expiresAt,
      window: null,
      files: view.pack.files.map((name) => ({ name, href: fileUrl(name) })),
    };
  }

  const dataFrom = new Date(view.dataFrom);
  const from = new Date(Math.max(now.getTime() - seconds * 1000, dataFrom.getTime()));
  return {
    title: view.target?.name ?? 'Shared target',
    subtitle: view.target ? `${view.target.host} · ${where}` : where,
    expiresAt,
    window: from < now ? { from, to: now } : null,
    files: [],
  };
}
