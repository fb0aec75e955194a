// Sign-in with Microsoft Entra ID, end to end in Debian's Chromium: the built dashboard with an "auth" config
// under `vite preview` (the Static Web App's headers, CSP included). Nothing leaves the machine: every request
// that is not to the dashboard is intercepted. The API (a loopback address nothing listens on) is answered
// here, 401 problem+json unless a test says otherwise, and so is Microsoft's sign-in: the first test only
// checks the authorize request and aborts it; the second plays Entra ID's part (authorize answers with a code,
// the token endpoint with unsigned tokens, which MSAL does not verify: the API would) to get a signed-in page.
// Needs no dev host, Azurite or dotnet: `npx vitest run --config vitest.e2e.config.ts e2e/signin.e2e.ts`.

import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corsHeaders, fulfillJson, fulfillProblem, noAlerts, shots, startStubbedApi, type StubbedApi } from './stubbed-api.ts';

const signIn = 'https://login.microsoftonline.com';
const auth = {
  clientId: '0e2e0e2e-1111-4222-8333-444444444444',
  tenantId: '7e7e7e7e-5555-4666-8777-888888888888',
  scope: 'api://0e2e0e2e-9999-4aaa-8bbb-cccccccccccc/access_as_user',
};
const targetName = 'e2e-gateway-tile';

type ApiMode = 'data' | '401' | '403';

let stub: StubbedApi;
let apiMode: ApiMode = '401';
const apiCalls: { path: string; authorization: string | null }[] = [];
const authorizeRequests: URL[] = [];
/** The grant_type of each token endpoint request: authorization_code, then refresh_token. */
const tokenGrants: string[] = [];
/** true: the authorize request is answered like Entra ID would; false: aborted. */
let playEntra = false;
/** true: the token endpoint refuses refresh tokens (expired after 24 h), so MSAL must renew in a hidden iframe. */
let refreshTokenExpired = false;
const cspViolations: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  stub = await startStubbedApi({ dashboard: { refreshSeconds: 1, auth }, api: answerApi, origins: { [signIn]: answerEntra } });
}, 60_000);

afterAll(async () => {
  await stub?.close();
});

describe('sign-in with Microsoft Entra ID', () => {
  it('shows the sign-in screen and no data, and Sign in goes to the tenant\'s authorize endpoint with PKCE', async () => {
    const page = await newPage();
    await page.goto(`${stub.origin}/#/`);
    const screen = page.locator('[data-screen="sign-in"]');
    await screen.waitFor({ timeout: 30_000 });

    expect(await screen.locator('h1').textContent()).toBe('NetPulse');
    expect(await page.locator('.sign-in-button').textContent()).toBe('Sign in with Microsoft');
    expect(await page.locator('a.tile, .tiles, .status-bar, .user').count()).toBe(0);
    expect(await page.locator('.main-nav').isVisible()).toBe(false);
    // Nobody is signed in: the API is not even asked.
    expect(apiCalls).toEqual([]);
    await page.screenshot({ path: `${shots}/sign-in.png`, fullPage: true });

    await page.locator('.sign-in-button').click();
    await waitUntil(() => authorizeRequests.length > 0, 'the authorize request');

    const authorize = authorizeRequests[0]!;
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${signIn}/${auth.tenantId}/oauth2/v2.0/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe(auth.clientId);
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${stub.origin}/redirect.html`);
    expect(authorize.searchParams.get('scope')?.split(' ')).toContain(auth.scope);
    expect(authorize.searchParams.get('client_secret')).toBeNull();
    await page.close();
  });

  it('signs in, shows the user and the data, and takes every figure off the page when the API answers 401, then 403', async () => {
    playEntra = true;
    apiMode = 'data';
    apiCalls.length = 0;
    const page = await newPage();
    await page.goto(`${stub.origin}/#/`);
    await page.locator('.sign-in-button').click();

    // Back from "Entra ID" through redirect.html, signed in as a Reader.
    await page.locator('.user-name').waitFor({ timeout: 30_000 });
    expect(await page.locator('.user-name').textContent()).toBe('Ada E2E');
    expect(await page.locator('.user-roles').textContent()).toBe('Reader');
    expect(await page.locator('.sign-out-button').textContent()).toBe('Sign out');
    await page.locator('a.tile').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('a.tile .name').textContent()).toBe(targetName);
    expect(apiCalls.length).toBeGreaterThan(0);
    // The code was redeemed, and the first token (about to expire) renewed with the refresh token by fetch
    // to Entra ID's token endpoint (the CSP's connect-src), before any API call.
    expect(tokenGrants.slice(0, 2)).toEqual(['authorization_code', 'refresh_token']);
    expect(apiCalls.every((c) => c.authorization === 'Bearer e2e-access-token')).toBe(true);
    await page.screenshot({ path: `${shots}/signed-in.png`, fullPage: true });

    apiMode = '401';
    await page.locator('[data-screen="sign-in"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('a.tile, .tiles, .status-bar, .user').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain(targetName);
    expect(await page.locator('.sign-in .why').textContent()).toContain('Sign in again');
    await page.screenshot({ path: `${shots}/sign-in-after-401.png`, fullPage: true });

    apiMode = '403';
    await page.locator('.sign-in-button').click();
    await page.locator('[data-screen="no-role"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-screen="no-role"] .why').textContent()).toContain('has no NetPulse role (Reader or Admin); ask the owner');
    expect(await page.locator('a.tile').count()).toBe(0);
    await page.screenshot({ path: `${shots}/no-role.png`, fullPage: true });
    await page.close();
  });

  it('renews in a hidden iframe through redirect.html when the refresh token has expired', async () => {
    playEntra = true;
    refreshTokenExpired = true;
    apiMode = 'data';
    apiCalls.length = 0;
    tokenGrants.length = 0;
    authorizeRequests.length = 0;
    const page = await newPage();
    await page.goto(`${stub.origin}/#/`);
    await page.locator('.sign-in-button').click();
    await page.locator('a.tile').first().waitFor({ timeout: 30_000 });

    // The sign-in, then (first token nearly spent, refresh token refused) a prompt=none authorize in a frame
    // (the CSP's frame-src), answered to redirect.html (frame-ancestors 'self'), whose code MSAL redeemed.
    expect(authorizeRequests.map((u) => u.searchParams.get('prompt'))).toEqual([null, 'none']);
    expect(tokenGrants.slice(0, 3)).toEqual(['authorization_code', 'refresh_token', 'authorization_code']);
    expect(apiCalls.length).toBeGreaterThan(0);
    expect(apiCalls.every((c) => c.authorization === 'Bearer e2e-silent-access-token')).toBe(true);
    expect(await page.locator('iframe').count()).toBe(0);
    await page.close();
  });

  it('sent nothing off the machine and kept to its Content Security Policy', () => {
    expect(stub.blocked).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

async function newPage(): Promise<Page> {
  const page = await stub.context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) {
      cspViolations.push(message.text());
    }
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  return page;
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }

    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function answerApi(route: Route, url: URL): Promise<void> {
  const request = route.request();
  const cors = corsHeaders(stub.origin, { 'access-control-expose-headers': 'content-disposition, www-authenticate' });
  if (request.method() === 'OPTIONS') {
    await route.fulfill({ status: 204, headers: cors });
    return;
  }

  apiCalls.push({ path: url.pathname, authorization: (await request.allHeaders())['authorization'] ?? null });
  if (apiMode === 'data' && url.pathname === '/api/targets') {
    await fulfillJson(route, cors, targetList());
    return;
  }

  // The undelivered-alerts banner asks on every page: nothing undelivered.
  if (apiMode === 'data' && url.pathname === '/api/alerts') {
    await fulfillJson(route, cors, noAlerts());
    return;
  }

  const status = apiMode === '403' ? 403 : 401;
  await fulfillProblem(
    route,
    { ...cors, ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}) },
    status === 401
      ? { type: 'urn:netpulse:problem:unauthenticated', title: 'Sign-in required', status, detail: 'No valid bearer token.' }
      : { type: 'urn:netpulse:problem:forbidden', title: 'No NetPulse role', status, detail: 'The token has neither the Reader nor the Admin role.' },
  );
}

let nonce = '';

async function answerEntra(route: Route, url: URL): Promise<void> {
  const cors = { 'access-control-allow-origin': '*' };
  if (url.pathname.endsWith('/oauth2/v2.0/authorize')) {
    authorizeRequests.push(url);
    if (!playEntra) {
      await route.abort('aborted');
      return;
    }

    nonce = url.searchParams.get('nonce') ?? '';
    // prompt=none: the hidden iframe of a silent renewal.
    const code = url.searchParams.get('prompt') === 'none' ? 'e2e-silent-code' : 'e2e-code';
    const answer = new URLSearchParams({ code, client_info: clientInfo(), state: url.searchParams.get('state') ?? '', session_state: 'e2e' });
    await route.fulfill({ status: 302, headers: { location: `${url.searchParams.get('redirect_uri')}#${answer}` } });
  } else if (url.pathname.endsWith('/oauth2/v2.0/token')) {
    const form = new URLSearchParams(route.request().postData() ?? '');
    const grant = form.get('grant_type') ?? '';
    tokenGrants.push(grant);
    if (grant === 'refresh_token' && refreshTokenExpired) {
      await route.fulfill({
        status: 400,
        headers: cors,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'invalid_grant', error_description: 'AADSTS700084: The refresh token has expired.', error_codes: [700084] }),
      });
      return;
    }

    const silent = form.get('code') === 'e2e-silent-code';
    await route.fulfill({
      status: 200,
      headers: cors,
      contentType: 'application/json',
      body: JSON.stringify({
        token_type: 'Bearer',
        scope: `${auth.scope} openid profile offline_access`,
        // Once refreshed, a token lasts; the first one is nearly spent, so the next call renews it with the refresh token.
        expires_in: grant === 'refresh_token' || silent ? 3599 : 60,
        ext_expires_in: 3599,
        access_token: silent ? 'e2e-silent-access-token' : grant === 'refresh_token' ? 'e2e-access-token' : 'e2e-first-access-token',
        refresh_token: 'e2e-refresh-token',
        id_token: idToken(['Reader']),
        client_info: clientInfo(),
      }),
    });
  } else if (url.pathname.endsWith('/.well-known/openid-configuration')) {
    const tenant = auth.tenantId;
    await route.fulfill({
      status: 200,
      headers: cors,
      contentType: 'application/json',
      body: JSON.stringify({
        token_endpoint: `${signIn}/${tenant}/oauth2/v2.0/token`,
        jwks_uri: `${signIn}/${tenant}/discovery/v2.0/keys`,
        issuer: `${signIn}/${tenant}/v2.0`,
        authorization_endpoint: `${signIn}/${tenant}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${signIn}/${tenant}/oauth2/v2.0/logout`,
      }),
    });
  } else {
    stub.blocked.push(url.href);
    await route.abort('blockedbyclient');
  }
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const userId = '0e2e0e2e-dddd-4eee-8fff-000000000000';

function clientInfo(): string {
  return base64url({ uid: userId, utid: auth.tenantId });
}

/** An ID token as Entra ID shapes it, unsigned: the dashboard reads its claims; only the API checks signatures. */
function idToken(roles: string[]): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    aud: auth.clientId,
    iss: `${signIn}/${auth.tenantId}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    name: 'Ada E2E',
    preferred_username: 'ada@e2e.example',
    oid: userId,
    sub: 'e2e-subject',
    tid: auth.tenantId,
    nonce,
    roles,
    ver: '2.0',
  };
  return `${base64url({ alg: 'RS256', typ: 'JWT', kid: 'e2e' })}.${base64url(claims)}.e2e-signature`;
}

function targetList(): unknown {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    generatedAt: now,
    probes: [{ probeId: 'e2e-probe', lastSeenAt: now, silent: false }],
    targets: [
      {
        id: 'e2e-probe~ZTJl',
        probeId: 'e2e-probe',
        name: targetName,
        host: '192.0.2.1',
        category: null,
        description: null,
        uplink: true,
        intervalMs: 2000,
        status: 'up',
        lastSampleAt: now,
        lastRttMs: 1.5,
        loss1hPercent: 0,
        uptime24hPercent: 100,
        latencyThresholdMs: 100,
        lossThresholdPercent: 5,
        sparkline: [],
        openIncidents: [],
      },
    ],
  };
}
