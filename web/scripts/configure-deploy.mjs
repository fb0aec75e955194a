#!/usr/bin/env node
// @ts-check
// Prepares a built dashboard (dist/) for one deployment, after `npm run build` and before uploading dist/
// to the Azure Static Web App:
//   - writes dist/config.json: the API's base URL, the refresh interval, and the sign-in settings (Microsoft
//     Entra ID: the SPA app's client id, the tenant id, the API's scope) or "auth": null for an open API;
//   - writes dist/staticwebapp.config.json from web/staticwebapp.config.json with the API's origin in the
//     Content-Security-Policy's connect-src (placeholder __NETPULSE_API_ORIGIN__) and, with sign-in,
//     https://login.microsoftonline.com in connect-src and frame-src (placeholder __NETPULSE_SIGNIN_ORIGIN__).
// Nothing secret goes into either file: there is no key or secret of any kind for the browser.
// Usage:
//   node scripts/configure-deploy.mjs --api-base-url https://netpulse-func.azurewebsites.net/api \
//     [--client-id <GUID> --tenant-id <GUID> --scope api://<api app id>/access_as_user] \
//     [--refresh-seconds 5] [--dist dist]
// Run it again with other values to reconfigure: it always starts from the template.

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const apiPlaceholder = '__NETPULSE_API_ORIGIN__';
const signInPlaceholder = '__NETPULSE_SIGNIN_ORIGIN__';
const signInOrigin = 'https://login.microsoftonline.com';
const webRoot = fileURLToPath(new URL('..', import.meta.url));
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(`configure-deploy: ${message}`);
  process.exit(2);
}

// Refused by name before parsing, so the message says what to do rather than "unknown option".
if (process.argv.some((a) => a === '--function-key' || a.startsWith('--function-key='))) {
  fail('--function-key is gone: no key may be in a file the browser loads. Give --client-id, --tenant-id and --scope for sign-in with Microsoft Entra ID instead');
}

function parse() {
  try {
    return parseArgs({
      options: {
        'api-base-url': { type: 'string' },
        'client-id': { type: 'string' },
        'tenant-id': { type: 'string' },
        scope: { type: 'string' },
        'refresh-seconds': { type: 'string', default: '5' },
        dist: { type: 'string', default: `${webRoot}dist` },
      },
      strict: true,
    }).values;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

const values = parse();

const base = values['api-base-url'];
if (!base) {
  fail('--api-base-url is required, e.g. https://netpulse-func.azurewebsites.net/api (or /api for a linked backend)');
}

/** @type {string} */
let connectSource;
if (base.startsWith('/')) {
  // A Static Web App "linked backend" serves the API under the site's own origin.
  connectSource = "'self'";
} else {
  let url;
  try {
    url = new URL(base);
  } catch {
    fail(`--api-base-url ${JSON.stringify(base)} is not a URL`);
  }

  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))) {
    fail(`--api-base-url must be https (http only for loopback), not ${url.protocol}`);
  }

  connectSource = url.origin;
}

const authFlags = /** @type {const} */ (['client-id', 'tenant-id', 'scope']);
const given = authFlags.filter((flag) => values[flag] !== undefined);
if (given.length !== 0 && given.length !== authFlags.length) {
  const missing = authFlags.filter((flag) => !given.includes(flag)).map((flag) => `--${flag}`);
  fail(`sign-in needs --client-id, --tenant-id and --scope together (or none of them for an open API); missing ${missing.join(', ')}`);
}

/** @type {{ clientId: string, tenantId: string, scope: string } | null} */
let auth = null;
if (given.length) {
  const clientId = (values['client-id'] ?? '').trim();
  const tenantId = (values['tenant-id'] ?? '').trim();
  const scope = (values.scope ?? '').trim();
  for (const [flag, value] of /** @type {const} */ ([['--client-id', clientId], ['--tenant-id', tenantId]])) {
    if (!guid.test(value)) {
      fail(`${flag} must be a GUID like 00000000-0000-0000-0000-000000000000, not ${JSON.stringify(value)}`);
    }
  }

  if (scope === '' || /\s/.test(scope)) {
    fail('--scope must be the API\'s scope, e.g. api://<api app id>/access_as_user');
  }

  auth = { clientId: clientId.toLowerCase(), tenantId: tenantId.toLowerCase(), scope };
}

const refreshSeconds = Number(values['refresh-seconds']);
if (!Number.isFinite(refreshSeconds) || refreshSeconds < 1 || refreshSeconds > 3600) {
  fail('--refresh-seconds must be a number from 1 to 3600');
}

const dist = values.dist;
if (!existsSync(`${dist}/index.html`)) {
  fail(`${dist}/index.html is missing: run "npm run build" first`);
}

const config = { apiBaseUrl: base.replace(/\/+$/, ''), refreshSeconds, auth };
writeFileSync(`${dist}/config.json`, `${JSON.stringify(config, null, 2)}\n`);

const template = readFileSync(`${webRoot}staticwebapp.config.json`, 'utf8');
for (const placeholder of [apiPlaceholder, signInPlaceholder]) {
  if (!template.includes(placeholder)) {
    fail(`web/staticwebapp.config.json has no ${placeholder} in its CSP`);
  }
}

const filled = template
  .replaceAll(apiPlaceholder, connectSource)
  .replaceAll(` ${signInPlaceholder}`, auth ? ` ${signInOrigin}` : '')
  .replaceAll(signInPlaceholder, auth ? signInOrigin : '');
writeFileSync(`${dist}/staticwebapp.config.json`, filled);
const connect = ["'self'", connectSource === "'self'" ? '' : connectSource, auth ? signInOrigin : ''].filter(Boolean).join(' ');
console.log(`configure-deploy: ${dist}/config.json -> ${config.apiBaseUrl}, ${auth ? `sign-in with Microsoft Entra ID (tenant ${auth.tenantId})` : 'no sign-in (open API)'}; CSP connect-src ${connect}`);
if (auth) {
  console.log(`configure-deploy: register https://<this site>/redirect.html as a redirect URI of the SPA app ${auth.clientId} (platform "Single-page application")`);
}
