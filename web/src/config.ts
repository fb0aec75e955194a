// The dashboard's settings live in config.json next to index.html, so one build serves every
// deployment: the deploy step (scripts/configure-deploy.mjs) writes the API's address there.

export interface DashboardConfig {
  /** The API's base, ending in /api, e.g. https://netpulse-func.azurewebsites.net/api. */
  apiBaseUrl: string;
  /** Sent as x-functions-key when not empty. Anyone who can load the page can read it: see the README. */
  functionKey: string;
  /** Seconds between refreshes of the page on show. */
  refreshSeconds: number;
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

  const key = record['functionKey'] ?? '';
  if (typeof key !== 'string') {
    throw new ConfigError('"functionKey" must be a string (empty for none)');
  }

  const refresh = record['refreshSeconds'] ?? defaultRefreshSeconds;
  if (typeof refresh !== 'number' || !Number.isFinite(refresh) || refresh < minRefreshSeconds || refresh > maxRefreshSeconds) {
    throw new ConfigError(`"refreshSeconds" must be a number from ${minRefreshSeconds} to ${maxRefreshSeconds}`);
  }

  return {
    apiBaseUrl: apiBaseUrl.href.replace(/\/+$/, ''),
    functionKey: key.trim(),
    refreshSeconds: refresh,
  };
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
