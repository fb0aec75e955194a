// The dashboard's settings live in config.json next to index.html, so one build serves every
// deployment: the deploy step (scripts/configure-deploy.mjs) writes the API's address and sign-in
// settings there. Everything in it is readable by anyone who can load the page: it holds no secret.

/** Sign-in with Microsoft Entra ID: the dashboard's own (SPA) app registration and the API's scope. */
export interface AuthConfig {
  /** The SPA app registration's client id (a GUID). */
  clientId: string;
  /** The directory (tenant) id (a GUID): the authority is https://login.microsoftonline.com/<tenantId>. */
  tenantId: string;
  /** The API's delegated scope, e.g. api://<api app id>/access_as_user. */
  scope: string;
}

export interface DashboardConfig {
  /** The API's base, ending in /api, e.g. https://netpulse-func.azurewebsites.net/api. */
  apiBaseUrl: string;
  /** Seconds between refreshes of the page on show. */
  refreshSeconds: number;
  /** null: the API is open (a local run) and the dashboard shows no sign-in at all. */
  auth: AuthConfig | null;
}

export const defaultRefreshSeconds = 5;
const minRefreshSeconds = 1;
const maxRefreshSeconds = 3600;

export class ConfigError extends Error {
  constructor(message: string) {
    super(`config.json: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Checks the parsed config.json and fills defaults; throws ConfigError naming the field that is wrong. */
export function parseConfig(raw: unknown, pageUrl: string): DashboardConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('must be a JSON object');
  }

  const record = raw as Record<string, unknown>;
  const base = record['apiBaseUrl'];
  if (typeof base !== 'string' || base.trim() === '') {
    throw new ConfigError('"apiBaseUrl" must be the API\'s URL, e.g. "http://127.0.0.1:7071/api"');
  }

  let apiBaseUrl: URL;
  try {
    // Relative ("/api") is allowed: a Static Web App with a linked backend serves the API on its own origin.
    apiBaseUrl = new URL(base, pageUrl);
  } catch {
    throw new ConfigError(`"apiBaseUrl" is not a URL: ${JSON.stringify(base)}`);
  }

  if (apiBaseUrl.protocol !== 'http:' && apiBaseUrl.protocol !== 'https:') {
    throw new ConfigError(`"apiBaseUrl" must be http or https, not ${apiBaseUrl.protocol}`);
  }

  if ('functionKey' in record) {
    throw new ConfigError('"functionKey" is no longer read: remove it (no key or secret may be in a file the browser loads) and configure "auth" for sign-in with Microsoft Entra ID, or leave "auth" null for an open local API');
  }

  const refresh = record['refreshSeconds'] ?? defaultRefreshSeconds;
  if (typeof refresh !== 'number' || !Number.isFinite(refresh) || refresh < minRefreshSeconds || refresh > maxRefreshSeconds) {
    throw new ConfigError(`"refreshSeconds" must be a number from ${minRefreshSeconds} to ${maxRefreshSeconds}`);
  }

  return {
    apiBaseUrl: apiBaseUrl.href.replace(/\/+$/, ''),
    refreshSeconds: refresh,
    auth: parseAuth(record['auth']),
  };
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && guidPattern.test(value);
}

function parseAuth(raw: unknown): AuthConfig | null {
  if (raw === undefined || raw === null) {
    return null;
  }

  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('"auth" must be null (open API, no sign-in) or an object { "clientId", "tenantId", "scope" }');
  }

  const auth = raw as Record<string, unknown>;
  const unknown = Object.keys(auth).filter((k) => k !== 'clientId' && k !== 'tenantId' && k !== 'scope');
  if (unknown.length > 0) {
    throw new ConfigError(`"auth.${unknown[0]}" is not a setting: "auth" takes "clientId", "tenantId" and "scope" only (no secrets)`);
  }

  for (const field of ['clientId', 'tenantId'] as const) {
    if (!isGuid(auth[field])) {
      throw new ConfigError(`"auth.${field}" must be a GUID like "00000000-0000-0000-0000-000000000000", not ${JSON.stringify(auth[field] ?? null)}`);
    }
  }

  const scope = auth['scope'];
  if (typeof scope !== 'string' || scope.trim() === '' || /\s/.test(scope.trim())) {
    throw new ConfigError('"auth.scope" must be the API\'s scope, e.g. "api://<api app id>/access_as_user"');
  }

  return { clientId: (auth['clientId'] as string).toLowerCase(), tenantId: (auth['tenantId'] as string).toLowerCase(), scope: scope.trim() };
}

export async function loadConfig(pageUrl: string, fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): Promise<DashboardConfig> {
  const url = new URL('config.json', pageUrl);
  let response: Response;
  try {
    response = await fetchImpl(url, { cache: 'no-store' });
  } catch (error) {
    throw new ConfigError(`could not be loaded from ${url.href} (${String(error)})`);
  }

  if (!response.ok) {
    throw new ConfigError(`${url.href} answered ${response.status}`);
  }

  let raw: unknown;
  try {
    raw = await response.json();
  } catch {
    throw new ConfigError(`${url.href} is not valid JSON`);
  }

  return parseConfig(raw, pageUrl);
}
