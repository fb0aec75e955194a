#!/usr/bin/env node
// @ts-check
// Prepares a built dashboard (dist/) for one deployment, after `npm run build` and before uploading dist/
// to the Azure Static Web App:
//   - writes dist/config.json (the API's base URL, the function key if any, the refresh interval);
//   - writes dist/staticwebapp.config.json from web/staticwebapp.config.json with the API's origin in the
//     Content-Security-Policy's connect-src (the placeholder __NETPULSE_API_ORIGIN__), so the page may call
//     the API and nothing else.
// Usage:
//   node scripts/configure-deploy.mjs --api-base-url https://netpulse-func.azurewebsites.net/api \
//     [--function-key <key>] [--refresh-seconds 5] [--dist dist]
// Run it again with other values to reconfigure: it always starts from the template.

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const placeholder = '__NETPULSE_API_ORIGIN__';
const webRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(`configure-deploy: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    'api-base-url': { type: 'string' },
    'function-key': { type: 'string', default: '' },
    'refresh-seconds': { type: 'string', default: '5' },
    dist: { type: 'string', default: `${webRoot}dist` },
  },
  strict: true,
});

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

const refreshSeconds = Number(values['refresh-seconds']);
if (!Number.isFinite(refreshSeconds) || refreshSeconds < 1 || refreshSeconds > 3600) {
  fail('--refresh-seconds must be a number from 1 to 3600');
}

const dist = values.dist;
if (!existsSync(`${dist}/index.html`)) {
  fail(`${dist}/index.html is missing: run "npm run build" first`);
}

const config = { apiBaseUrl: base.replace(/\/+$/, ''), functionKey: values['function-key'].trim(), refreshSeconds };
writeFileSync(`${dist}/config.json`, `${JSON.stringify(config, null, 2)}\n`);

const template = readFileSync(`${webRoot}staticwebapp.config.json`, 'utf8');
if (!template.includes(placeholder)) {
  fail(`web/staticwebapp.config.json has no ${placeholder} in its CSP`);
}

writeFileSync(`${dist}/staticwebapp.config.json`, template.replaceAll(placeholder, connectSource));
console.log(`configure-deploy: ${dist}/config.json -> ${config.apiBaseUrl}; CSP connect-src 'self' ${connectSource === "'self'" ? '' : connectSource}`.trimEnd());
if (config.functionKey) {
  console.log('configure-deploy: note: the function key in config.json is readable by anyone who can load the dashboard');
}
