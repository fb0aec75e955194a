// The NetPulse HTTP API as the dashboard sees it: the types of web/API.md and a small client.
// Every string in these types is text from a probe's config or the API: it reaches the page only
// through textContent (see dom.ts), never as markup.

import type { IncidentType } from './incidentTypes.ts';
import type { ShareLink, ShareLinkRequest, SharedView } from './shares.ts';

export type Health = 'up' | 'degraded' | 'down' | 'unknown';

/** The incidents filter's `state` values, in the order the filter offers them; `all` is the API's default. */
export const incidentStates = ['all', 'open', 'resolved'] as const;
export type IncidentState = (typeof incidentStates)[number];

export interface SparkPoint {
  t: string;
  rttMs: number | null;
}

/**
 * A target as its probe is configured to watch it: functions/NetPulse.Contracts/TargetSettings.cs, the
 * settings a batch carries for each target (the end-to-end seed sends them) and the API serves back in
 * each Target. A per-target setting the dashboard shows is one field here.
 */
export interface TargetSettings {
  name: string;
  host: string;
  category: string | null;
  description: string | null;
  uplink: boolean;
  intervalMs: number;
  /** The target's own threshold; absent or null in a batch means the detection default. */
  latencyThresholdMs?: number | null;
  lossThresholdPercent?: number | null;
}

export interface Target extends TargetSettings {
  id: string;
  probeId: string;
  status: Health;
  lastSampleAt: string | null;
  lastRttMs: number | null;
  loss1hPercent: number | null;
  uptime24hPercent: number | null;
  /** The API always answers a threshold: the target's own, else detection's default. */
  latencyThresholdMs: number;
  lossThresholdPercent: number;
  sparkline: SparkPoint[];
  openIncidents: Incident[];
}

export interface Probe {
  probeId: string;
  lastSeenAt: string | null;
  silent: boolean;
  /** The probe's Probe:Site (text from the probe); names it where a target name is ambiguous. */
  site?: string | null;
}

export interface TargetList {
  generatedAt: string;
  probes: Probe[];
  targets: Target[];
}

export type FleetState = 'reporting' | 'silent' | 'revoked' | 'retired';

/** A probe of the fleet (GET /probes). Site and version are text from the probe: set them as text. */
export interface FleetProbe {
  id: string;
  keyId: string | null;
  publicKey: string | null;
  registeredAt: string | null;
  revokedAt: string | null;
  state: FleetState;
  site: string | null;
  softwareVersion: string | null;
  lastSeenAt: string | null;
  lastBatchAt: string | null;
  lastSampleAt: string | null;
  targetCount: number | null;
  spoolDepth: number | null;
  oldestUnsentAt: string | null;
  icmpEngine: string | null;
  icmpPath: 'raw' | 'fallback' | null;
  clockOffsetMs: number | null;
  targetListVersion: string | null;
  silentSince: string | null;
  retiredAt: string | null;
}

export interface FleetList {
  generatedAt: string;
  probes: FleetProbe[];
}

export interface Retirement {
  id: string;
  retired: boolean;
}

export interface SeriesPoint {
  t: string;
  minMs: number | null;
  p50Ms: number | null;
  maxMs: number | null;
  lossPercent: number;
  count: number;
}

export interface Series {
  target: Target;
  from: string;
  to: string;
  resolution: 'raw' | 'minute' | 'hour';
  stepSeconds: number;
  points: SeriesPoint[];
}

/** GET /api/targets/{id}/heatmap: a day's real hours (23 or 25 on clock-change days); value null is "no data", not 0. */
export type HeatmapMetric = 'loss' | 'p95';

export interface HeatmapCell {
  hour: number;
  start: string;
  offsetMinutes: number;
  value: number | null;
  rounds: number;
  coveragePercent: number;
}

export interface HeatmapDay {
  date: string;
  skippedHours: number[];
  hours: HeatmapCell[];
}

export interface Heatmap {
  target: Target;
  metric: HeatmapMetric;
  unit: '%' | 'ms';
  weeks: number;
  timeZone: string;
  from: string;
  to: string;
  days: HeatmapDay[];
}

/** A target's figures over a range; p95 (over several hours), jitter and MOS are estimates as API.md says. */
export interface QualityFigures {
  rounds: number;
  replies: number;
  lossPercent: number | null;
  avgMs: number | null;
  p95Ms: number | null;
  jitterMs: number | null;
  mos: number | null;
  coveragePercent: number;
}

export interface Quality {
  target: Target;
  from: string;
  to: string;
  quality: QualityFigures;
}

export type RankingMetric = 'loss' | 'p95' | 'jitter';

export interface RankedTarget {
  id: string;
  probeId: string;
  name: string;
  quality: QualityFigures;
}

export interface Ranking {
  from: string;
  to: string;
  by: RankingMetric;
  ranked: number;
  truncated: boolean;
  targets: RankedTarget[];
  noData: RankedTarget[];
}

export interface Incident {
  id: string;
  probeId: string;
  targetId: string | null;
  targetName: string;
  type: IncidentType;
  start: string;
  end: string | null;
  durationSeconds: number;
  peakValue: number | null;
  threshold: number | null;
  groupedUnderIncidentId: string | null;
  /** The maintenance window it began in ("marked": marked afterwards); null when unplanned. Absent from older APIs. */
  maintenanceWindowId?: string | null;
  /** Who acknowledged it and when; null while nobody did. */
  acknowledgement?: Acknowledgement | null;
}

export interface Acknowledgement {
  by: string;
  at: string;
  note: string | null;
}

export interface MaintenanceScope {
  probeId: string | null;
  targetName: string | null;
  category: string | null;
  all: boolean | null;
}

/** The body of POST /maintenance: a scope and either start and end, or cron, timeZone and durationMinutes. */
export interface MaintenanceWindowRequest {
  scope: Partial<MaintenanceScope>;
  start?: string;
  end?: string;
  cron?: string;
  timeZone?: string;
  durationMinutes?: number;
  reason?: string;
}

export interface MaintenanceWindow {
  id: string;
  scope: MaintenanceScope;
  start: string | null;
  end: string | null;
  cron: string | null;
  timeZone: string | null;
  durationMinutes: number | null;
  reason: string;
  createdBy: string;
  createdAt: string;
  activeUntil: string | null;
  nextStart: string | null;
}

/** The one-click mute: a one-off window for the target from now for an hour. */
export function muteForAnHour(target: { probeId: string; name: string }, now: Date): MaintenanceWindowRequest {
  return {
    scope: { probeId: target.probeId, targetName: target.name },
    start: iso(now),
    end: iso(new Date(now.getTime() + 3_600_000)),
    reason: 'Muted for 1 h from the dashboard',
  };
}

export interface IncidentQuery {
  from?: Date;
  to?: Date;
  target?: string;
  type?: IncidentType;
  state?: IncidentState;
}

/** One channel's delivery of an alert notice (GET /alerts). lastError is the channel's own words, secrets redacted. */
export interface AlertChannelDelivery {
  name: string;
  type: string | null;
  state: 'pending' | 'delivered' | 'undelivered' | 'refused';
  attempts: number;
  lastAttemptAt: string | null;
  sentAt: string | null;
  lastError: string | null;
  nextAttemptAt: string | null;
}

export interface AlertNotice {
  id: string;
  kind: string;
  raisedAt: string;
  probeId: string;
  escalated: boolean;
  state: 'pending' | 'delivered' | 'undelivered';
  incidents: { id: string; target: string; type: string }[];
  channels: AlertChannelDelivery[];
}

/** GET /alerts: pending and undelivered count the whole range whatever the filter. */
export interface AlertNoticeList {
  from: string;
  to: string;
  pending: number;
  undelivered: number;
  matching: number;
  truncated: boolean;
  alerts: AlertNotice[];
}

export interface AlertQuery {
  state?: 'pending' | 'delivered' | 'undelivered' | 'refused';
  from?: Date;
  to?: Date;
  limit?: number;
}

/** The body of a daily report is issue 5's to define: the dashboard reads it generically (report.ts). */
export type ReportBody = Record<string, unknown>;

/** RFC 7807, as the API sends it for its errors (400, 401, 403, 404, 503). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  parameter?: string;
  /** The managed targets' 400: each camelCase field at fault and its problems. */
  errors?: Record<string, string[]>;
  /** An import's 400: every problem with its row in the file (a CSV record's line, a JSON item's position). */
  rows?: ImportRowProblem[] | null;
}

/** A target a probe runs when its targets are managed centrally (GET /api/probes/{probe}/targets). */
export interface ManagedTargetFields {
  name: string;
  host: string;
  category: string | null;
  description: string | null;
  uplink: boolean;
  intervalMs: number | null;
  latencyThresholdMs: number | null;
  lossThresholdPercent: number | null;
  enabled: boolean;
  timeoutMs: number | null;
}

export interface ManagedTarget extends ManagedTargetFields {
  /** For the per-target routes: probe id, '~', URL-safe Base64 of the name. */
  id: string;
  /** Sent back as If-Match: a change made meanwhile by someone else is refused (412), not overwritten. */
  etag: string;
  intervalMs: number;
}

export interface ManagedTargetList {
  probeId: string;
  /** False while the probe runs its own targets file. */
  managed: boolean;
  version: string | null;
  maxTargets: number;
  targets: ManagedTarget[];
}

export interface ImportRowProblem {
  row: number | null;
  field: string;
  problem: string;
}

export interface ManagedTargetImport {
  probeId: string;
  mode: 'merge' | 'replace';
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  version: string;
  targets: number;
}

/** The API could not be reached at all: network down, refused, CORS, timeout. */
export class ApiUnreachableError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`the API at ${url} could not be reached`, { cause });
    this.name = 'ApiUnreachableError';
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The API answered, with an error status. */
export class ApiError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly problem: Problem | null,
    readonly method: HttpMethod = 'GET',
  ) {
    super(problem?.detail ?? problem?.title ?? `the API answered ${status}`);
    this.name = 'ApiError';
  }
}

/** 401: no token, or one the API does not take (expired, wrong audience): the user must sign in (again). */
export function isUnauthorized(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 401;
}

/** 403: signed in, but without the role the route needs (Reader for reading, Admin for writing). */
export function isForbidden(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 403;
}

/**
 * Gives the access token for each call, or null for an open API. It throws (and never answers a token)
 * when the user must sign in first; that error passes through the client unchanged.
 */
export type TokenProvider = () => Promise<string | null>;

export interface ApiClientOptions {
  apiBaseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Absent: an open API (local run), no Authorization header. */
  token?: TokenProvider;
  /** Told of every 401 and 403 before the error is thrown, wherever the call came from (refresh, download, rebuild). */
  onRefused?: (error: ApiError) => void;
}

/** A file the API answered, fetched with the bearer token (a plain link cannot send one). */
export interface Download {
  blob: Blob;
  fileName: string | null;
}

/** A week or month evidence pack as GET /api/evidence lists it (web/API.md). */
export type EvidenceKind = 'week' | 'month';

export interface EvidenceFile {
  name: string;
  fileName: string;
  contentType: string;
  bytes: number;
}

export interface EvidenceSummary {
  probeId: string;
  site: string | null;
  kind: EvidenceKind;
  period: string;
  firstDate: string;
  lastDate: string;
  timeZone: string;
  from: string;
  to: string;
  createdAt: string;
  grade: string | null;
  targetCount: number;
  incidentCount: number;
  outageCount: number;
  worstTarget: string | null;
  worstTargetGrade: string | null;
  worstTargetLossPercent: number | null;
  worstTargetP95Ms: number | null;
  emailed: boolean;
  emailedAt: string | null;
  files: EvidenceFile[];
}

export interface EvidenceList {
  packs: EvidenceSummary[];
}

export class ApiClient {
  readonly #base: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #token: TokenProvider;
  readonly #onRefused: (error: ApiError) => void;
  /** True when calls carry a bearer token: a download must then go through download(), not a plain link. */
  readonly signsRequests: boolean;

  constructor(options: ApiClientOptions) {
    this.#base = options.apiBaseUrl.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs;
    // Bound, because calling a detached window.fetch throws "Illegal invocation".
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#token = options.token ?? (() => Promise.resolve(null));
    this.signsRequests = options.token !== undefined;
    this.#onRefused = options.onRefused ?? (() => {});
  }

  get baseUrl(): string {
    return this.#base;
  }

  targets(signal?: AbortSignal): Promise<TargetList> {
    return this.#get('/targets', {}, signal);
  }

  target(id: string, signal?: AbortSignal): Promise<Target> {
    return this.#get(`/targets/${encodeURIComponent(id)}`, {}, signal);
  }

  series(id: string, from: Date, to: Date, signal?: AbortSignal): Promise<Series> {
    return this.#get(`/targets/${encodeURIComponent(id)}/series`, { from: iso(from), to: iso(to) }, signal);
  }

  heatmap(id: string, metric: HeatmapMetric, weeks: number, signal?: AbortSignal): Promise<Heatmap> {
    return this.#get(`/targets/${encodeURIComponent(id)}/heatmap`, { metric, weeks: String(weeks) }, signal);
  }

  quality(id: string, from: Date, to: Date, signal?: AbortSignal): Promise<Quality> {
    return this.#get(`/targets/${encodeURIComponent(id)}/quality`, { from: iso(from), to: iso(to) }, signal);
  }

  ranking(query: { from: Date; to: Date; by: RankingMetric; limit?: number }, signal?: AbortSignal): Promise<Ranking> {
    return this.#get('/ranking', { from: iso(query.from), to: iso(query.to), by: query.by, limit: query.limit === undefined ? undefined : String(query.limit) }, signal);
  }

  incidents(query: IncidentQuery, signal?: AbortSignal): Promise<{ incidents: Incident[] }> {
    return this.#get(
      '/incidents',
      {
        from: query.from && iso(query.from),
        to: query.to && iso(query.to),
        target: query.target,
        type: query.type,
        state: query.state,
      },
      signal,
    );
  }

  reportDates(signal?: AbortSignal): Promise<{ dates: string[] }> {
    return this.#get('/reports', {}, signal);
  }

  report(date: string, signal?: AbortSignal): Promise<ReportBody> {
    return this.#get(`/reports/${encodeURIComponent(date)}`, {}, signal);
  }

  /** POST /reports/{date}/rebuild: the Admin role's route. */
  async rebuildReport(date: string, signal?: AbortSignal): Promise<ReportBody> {
    // Reads a whole day of rounds: more than a refresh may take.
    const response = await this.#send('POST', this.#url(`/reports/${encodeURIComponent(date)}/rebuild`, {}), signal, 'application/json', rebuildTimeoutMs);
    return this.#json(response, signal);
  }

  /** GET /evidence: the stored evidence packs, newest period first (one probe's, or all). */
  evidencePacks(probeId: string | null, signal?: AbortSignal): Promise<EvidenceList> {
    return this.#get('/evidence', { probe: probeId ?? undefined }, signal);
  }

  /** POST /evidence/{probe}/{kind}/{period}/rebuild: the Admin role's route. */
  async rebuildEvidence(probeId: string, kind: EvidenceKind, period: string, signal?: AbortSignal): Promise<unknown> {
    // Reads a week or a month of raw rounds: more than a refresh may take.
    const path = `/evidence/${encodeURIComponent(probeId)}/${kind}/${encodeURIComponent(period)}/rebuild`;
    const response = await this.#send('POST', this.#url(path, {}), signal, 'application/json', rebuildTimeoutMs);
    return this.#json(response, signal);
  }

  /** A stored pack's file: pack.pdf or one of its CSV files. */
  evidenceFileUrl(probeId: string, kind: EvidenceKind, period: string, file: string): string {
    return this.downloadUrl(`/evidence/${encodeURIComponent(probeId)}/${kind}/${encodeURIComponent(period)}/${encodeURIComponent(file)}`, {});
  }

  alerts(query: AlertQuery, signal?: AbortSignal): Promise<AlertNoticeList> {
    return this.#get(
      '/alerts',
      {
        state: query.state,
        from: query.from && iso(query.from),
        to: query.to && iso(query.to),
        limit: query.limit === undefined ? undefined : String(query.limit),
      },
      signal,
    );
  }

  maintenanceWindows(signal?: AbortSignal): Promise<{ windows: MaintenanceWindow[] }> {
    return this.#get('/maintenance', {}, signal);
  }

  /** POST /maintenance: the Admin role's route. */
  async addMaintenanceWindow(window: MaintenanceWindowRequest, signal?: AbortSignal): Promise<MaintenanceWindow> {
    const response = await this.#send('POST', this.#url('/maintenance', {}), signal, 'application/json', this.#timeoutMs, JSON.stringify(window));
    return this.#json(response, signal);
  }

  /** DELETE /maintenance/{id}: the Admin role's route. */
  async deleteMaintenanceWindow(id: string, signal?: AbortSignal): Promise<void> {
    await this.#send('DELETE', this.#url(`/maintenance/${encodeURIComponent(id)}`, {}), signal);
  }

  /** POST /incidents/{id}/ack: the Admin role's route; answers the incident with its acknowledgement. */
  async acknowledge(incidentId: string, signal?: AbortSignal): Promise<Incident> {
    const response = await this.#send('POST', this.#url(`/incidents/${encodeURIComponent(incidentId)}/ack`, {}), signal);
    return this.#json(response, signal);
  }

  /** GET /shares: the share links (Admin), without their tokens. */
  shares(signal?: AbortSignal): Promise<{ shares: ShareLink[] }> {
    return this.#get('/shares', {}, signal);
  }

  /** POST /shares: the Admin role's route; the answer carries the token, once. */
  async createShare(request: ShareLinkRequest, signal?: AbortSignal): Promise<ShareLink> {
    const response = await this.#send('POST', this.#url('/shares', {}), signal, 'application/json', this.#timeoutMs, JSON.stringify(request));
    return this.#json(response, signal);
  }

  /** DELETE /shares/{id}: revokes a link. */
  async revokeShare(id: string, signal?: AbortSignal): Promise<ShareLink> {
    const response = await this.#send('DELETE', this.#url(`/shares/${encodeURIComponent(id)}`, {}), signal);
    return this.#json(response, signal);
  }

  /** GET /shared/{token}: what a share link shows; no sign-in needed. */
  sharedView(token: string, signal?: AbortSignal): Promise<SharedView> {
    return this.#get(`/shared/${encodeURIComponent(token)}`, {}, signal);
  }

  sharedSeries(token: string, from: Date, to: Date, signal?: AbortSignal): Promise<Series> {
    return this.#get(`/shared/${encodeURIComponent(token)}/series`, { from: iso(from), to: iso(to) }, signal);
  }

  sharedIncidents(token: string, from: Date, to: Date, signal?: AbortSignal): Promise<{ incidents: Incident[] }> {
    return this.#get(`/shared/${encodeURIComponent(token)}/incidents`, { from: iso(from), to: iso(to) }, signal);
  }

  /** A shared pack's file: a plain link, the token in the path is all it needs. */
  sharedFileUrl(token: string, file: string): string {
    return this.#url(`/shared/${encodeURIComponent(token)}/files/${encodeURIComponent(file)}`, {});
  }

  /** GET /probes: the registered probes (their keys), for picking whose targets to manage. */
  registeredProbes(signal?: AbortSignal): Promise<{ probes: { id: string; keyId: string; revokedAt: string | null }[] }> {
    return this.#get('/probes', {}, signal);
  }

  /** GET /probes/{probe}/targets: the probe's managed targets (not /targets, the targets seen in batches). */
  managedTargets(probeId: string, signal?: AbortSignal): Promise<ManagedTargetList> {
    return this.#get(`/probes/${encodeURIComponent(probeId)}/targets`, {}, signal);
  }

  /** POST /probes/{probe}/targets: the Admin role's route; a 400's problem has `errors` by field. */
  async addManagedTarget(probeId: string, target: ManagedTargetFields, signal?: AbortSignal): Promise<ManagedTarget> {
    const response = await this.#send('POST', this.#url(`/probes/${encodeURIComponent(probeId)}/targets`, {}), signal, 'application/json', this.#timeoutMs, JSON.stringify(target));
    return this.#json(response, signal);
  }

  /** PUT /probes/{probe}/targets/{id} with If-Match: the whole target (enabled false disables it); 412 when it changed meanwhile. */
  async updateManagedTarget(probeId: string, id: string, etag: string, target: ManagedTargetFields, signal?: AbortSignal): Promise<ManagedTarget> {
    const url = this.#url(`/probes/${encodeURIComponent(probeId)}/targets/${encodeURIComponent(id)}`, {});
    const response = await this.#send('PUT', url, signal, 'application/json', this.#timeoutMs, JSON.stringify(target), { 'if-match': etag });
    return this.#json(response, signal);
  }

  /** DELETE /probes/{probe}/targets/{id} with If-Match. */
  async deleteManagedTarget(probeId: string, id: string, etag: string, signal?: AbortSignal): Promise<void> {
    const url = this.#url(`/probes/${encodeURIComponent(probeId)}/targets/${encodeURIComponent(id)}`, {});
    await this.#send('DELETE', url, signal, 'application/json', this.#timeoutMs, undefined, { 'if-match': etag });
  }

  /** POST /probes/{probe}/targets/import: a CSV or JSON file, all or nothing; a 400's problem has `rows`. */
  async importManagedTargets(probeId: string, file: string, format: 'csv' | 'json', mode: 'merge' | 'replace', signal?: AbortSignal): Promise<ManagedTargetImport> {
    const url = this.#url(`/probes/${encodeURIComponent(probeId)}/targets/import`, { mode });
    const response = await this.#send('POST', url, signal, 'application/json', this.#timeoutMs, file, { 'content-type': format === 'csv' ? 'text/csv' : 'application/json' });
    return this.#json(response, signal);
  }

  managedTargetsExportUrl(probeId: string, format: 'csv' | 'json'): string {
    return this.downloadUrl(`/probes/${encodeURIComponent(probeId)}/targets/export`, { format });
  }

  /** GET /probes: the fleet. */
  fleet(signal?: AbortSignal): Promise<FleetList> {
    return this.#get('/probes', {}, signal);
  }

  /** POST (retire) or DELETE (bring back) /probes/{id}/retire: the Admin role's route. */
  async retireProbe(id: string, retire: boolean, signal?: AbortSignal): Promise<Retirement> {
    const response = await this.#send(retire ? 'POST' : 'DELETE', this.#url(`/probes/${encodeURIComponent(id)}/retire`, {}), signal);
    return this.#json(response, signal);
  }

  /** POST (retire) or DELETE (bring back) /targets/{id}/retire: the Admin role's route. */
  async retireTarget(id: string, retire: boolean, signal?: AbortSignal): Promise<Retirement> {
    const response = await this.#send(retire ? 'POST' : 'DELETE', this.#url(`/targets/${encodeURIComponent(id)}/retire`, {}), signal);
    return this.#json(response, signal);
  }

  /** A download link's target (the API's URL). With sign-in, a click must fetch it through download(). */
  downloadUrl(path: string, query: Record<string, string | undefined>): string {
    return this.#url(path, query);
  }

  exportUrl(targetId: string, from: Date, to: Date, format: 'csv' | 'json'): string {
    return this.downloadUrl('/export', { target: targetId, from: iso(from), to: iso(to), format });
  }

  reportUrl(date: string, format: 'json' | 'csv' = 'json'): string {
    return this.downloadUrl(`/reports/${encodeURIComponent(date)}`, format === 'csv' ? { format } : {});
  }

  /** Fetches a download link's file with the token; only URLs under the API's base are fetched. */
  async download(url: string, signal?: AbortSignal): Promise<Download> {
    if (!isUnder(url, this.#base)) {
      throw new Error(`not an API download: ${url}`);
    }

    // An export of weeks of rounds streams for a while: the refresh timeout is not for it.
    const response = await this.#send('GET', url, signal, '*/*', downloadTimeoutMs);
    let blob: Blob;
    try {
      blob = await response.blob();
    } catch (error) {
      throw new ApiUnreachableError(url, error);
    }

    return { blob, fileName: fileNameOf(response.headers.get('content-disposition')) };
  }

  /** The path at an incident's start beside the last baseline before it (GET /incidents/{id}/paths). */
  async incidentPaths(incidentId: string, signal?: AbortSignal): Promise<IncidentPaths> {
    return this.#get(`/incidents/${encodeURIComponent(incidentId)}/paths`, {}, signal);
  }

  /** A snapshot as the text of `mtr --report -n`: a download link (a.download) through the API. */
  pathTextUrl(targetId: string, snapshotId: string): string {
    return this.downloadUrl(`/targets/${encodeURIComponent(targetId)}/paths/${encodeURIComponent(snapshotId)}`, { format: 'mtr' });
  }

  async #get<T>(path: string, query: Record<string, string | undefined>, signal?: AbortSignal): Promise<T> {
    const response = await this.#send('GET', this.#url(path, query), signal);
    return this.#json(response, signal);
  }

  async #send(
    method: HttpMethod,
    url: string,
    signal: AbortSignal | undefined,
    accept = 'application/json',
    timeoutMs = this.#timeoutMs,
    body?: string,
    extraHeaders: Record<string, string> = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }

    Object.assign(headers, extraHeaders);

    // Before the timeout starts: a token refresh is not the API's time. A sign-in error passes through as it is.
    const token = await this.#token();
    signal?.throwIfAborted();
    if (token) {
      headers['authorization'] = `Bearer ${token}`;
    }

    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await this.#fetch(url, { method, headers, signal: combined, cache: 'no-store', ...(body !== undefined ? { body } : {}) });
    } catch (error) {
      // A navigation away aborts on purpose: that is not an outage.
      if (signal?.aborted) {
        throw signal.reason;
      }

      throw new ApiUnreachableError(url, error);
    }

    if (!response.ok) {
      const error = new ApiError(url, response.status, await readProblem(response), method);
      if (error.status === 401 || error.status === 403) {
        this.#onRefused(error);
      }

      throw error;
    }

    return response;
  }

  async #json<T>(response: Response, signal: AbortSignal | undefined): Promise<T> {
    try {
      return (await response.json()) as T;
    } catch (error) {
      if (signal?.aborted) {
        throw signal.reason;
      }

      // A proxy's HTML error page or a cut-off body: the API is not really there.
      throw new ApiUnreachableError(response.url, error);
    }
  }

  #url(path: string, query: Record<string, string | undefined>): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') {
        params.set(name, value);
      }
    }

    const search = params.toString();
    return `${this.#base}${path}${search ? `?${search}` : ''}`;
  }
}

const downloadTimeoutMs = 10 * 60_000;
const rebuildTimeoutMs = 2 * 60_000;

function isUnder(url: string, base: string): boolean {
  return url.startsWith(`${base}/`) || url.startsWith(`${base}?`);
}

/** The file name of `Content-Disposition: attachment; filename="x.csv"` (the API's form), else null. */
export function fileNameOf(disposition: string | null): string | null {
  const match = /filename="([^"]+)"/i.exec(disposition ?? '') ?? /filename=([^;\s]+)/i.exec(disposition ?? '');
  return match?.[1] ?? null;
}

/** ISO-8601 UTC to the second: the API's own format, and a stable cache key. */
export function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function readProblem(response: Response): Promise<Problem | null> {
  try {
    const body: unknown = await response.json();
    return body !== null && typeof body === 'object' ? (body as Problem) : null;
  } catch {
    return null;
  }
}

/** True for errors that mean "the API is not there", which the banner reports, rather than "it said no". */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof ApiUnreachableError) {
    return true;
  }

  // 502/503/504 come from a gateway in front of a Functions app that is down or starting.
  return error instanceof ApiError && (error.status === 502 || error.status === 503 || error.status === 504);
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** One TTL of a path snapshot; times in ms, null when nothing answered (API.md, PathHop). */
export interface PathHop {
  ttl: number;
  address: string | null;
  otherAddresses: string[];
  sent: number;
  received: number;
  lossPercent: number;
  lastMs: number | null;
  bestMs: number | null;
  averageMs: number | null;
  worstMs: number | null;
  stdDevMs: number | null;
}

export interface PathFinding {
  ttl: number;
  address: string | null;
  lossPercent: number;
  explanation: string;
}

export interface PathSnapshot {
  id: string;
  targetId: string;
  target: string;
  probeId: string;
  destination: string;
  startedAt: string;
  reason: 'trouble' | 'baseline' | 'manual';
  cycles: number;
  reachedDestination: boolean;
  hops: PathHop[];
  finding: PathFinding | null;
}

export interface RouteHopChange {
  ttl: number;
  oldAddress: string;
  newAddress: string;
}

export interface RouteChange {
  firstSeenAt: string;
  confirmedAt: string;
  baselineId: string;
  snapshotId: string;
  hops: RouteHopChange[];
}

export interface IncidentPaths {
  incidentId: string;
  targetId: string;
  atStart: PathSnapshot | null;
  baseline: PathSnapshot | null;
  differences: RouteHopChange[];
  routeChanges: RouteChange[];
}
