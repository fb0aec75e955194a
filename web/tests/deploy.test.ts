// The deploy step and the site's headers: configure-deploy.mjs run for real on a scratch dist/, and the CSP
// that staticwebapp.config.json gives with and without sign-in.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { headersFor, readSwaConfig } from '../scripts/static-web-app.ts';

const script = new URL('../scripts/configure-deploy.mjs', import.meta.url).pathname;
const clientId = '11111111-2222-4333-8444-555555555555';
const tenantId = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const scope = 'api://99999999-8888-4777-8666-555555555555/access_as_user';
let dist: string;

function deploy(...args: string[]): { code: number; output: string } {
  try {
    const output = execFileSync(process.execPath, [script, '--dist', dist, ...args], { encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, output };
  } catch (error) {
    const failure = error as { status: number; stderr: string };
    return { code: failure.status, output: failure.stderr };
  }
}

const csp = (): string => (JSON.parse(readFileSync(`${dist}/staticwebapp.config.json`, 'utf8')) as { globalHeaders: Record<string, string> }).globalHeaders['content-security-policy'] ?? '';

beforeEach(() => {
  dist = mkdtempSync(`${tmpdir()}/netpulse-deploy-`);
  writeFileSync(`${dist}/index.html`, '<!doctype html>');
});

afterEach(() => {
  rmSync(dist, { recursive: true, force: true });
});

describe('configure-deploy.mjs', () => {
  it('writes an open config and a CSP with the API origin only, when no sign-in is given', () => {
    expect(deploy('--api-base-url', 'https://f.example.net/api/').code).toBe(0);

    expect(JSON.parse(readFileSync(`${dist}/config.json`, 'utf8'))).toEqual({ apiBaseUrl: 'https://f.example.net/api', refreshSeconds: 5, auth: null });
    expect(csp()).toContain("connect-src 'self' https://f.example.net; frame-src 'self'; frame-ancestors 'none'");
    expect(csp()).not.toContain('__NETPULSE');
  });

  it('writes the sign-in settings, and Entra ID\'s origin into connect-src and frame-src', () => {
    const result = deploy('--api-base-url', 'https://f.example.net/api', '--client-id', clientId, '--tenant-id', tenantId.toUpperCase(), '--scope', scope);

    expect(result.code).toBe(0);
    expect(result.output).toContain('redirect.html');
    const config = JSON.parse(readFileSync(`${dist}/config.json`, 'utf8')) as Record<string, unknown>;
    expect(config).toEqual({ apiBaseUrl: 'https://f.example.net/api', refreshSeconds: 5, auth: { clientId, tenantId, scope } });
    expect(JSON.stringify(config)).not.toMatch(/key|secret/i);
    expect(csp()).toContain("connect-src 'self' https://f.example.net https://login.microsoftonline.com; frame-src 'self' https://login.microsoftonline.com;");
  });

  it.each([
    [['--function-key', 'k'], '--function-key is gone'],
    [['--function-key=k'], '--function-key is gone'],
    [['--client-id', clientId], 'missing --tenant-id, --scope'],
    [['--tenant-id', tenantId, '--scope', scope], 'missing --client-id'],
    [['--client-id', 'my-app', '--tenant-id', tenantId, '--scope', scope], '--client-id must be a GUID'],
    [['--client-id', clientId, '--tenant-id', 'contoso.onmicrosoft.com', '--scope', scope], '--tenant-id must be a GUID'],
    [['--client-id', clientId, '--tenant-id', tenantId, '--scope', ' '], '--scope must be'],
  ])('refuses %j naming the flag', (args, message) => {
    const result = deploy('--api-base-url', 'https://f.example.net/api', ...args);

    expect(result.code).toBe(2);
    expect(result.output).toContain(message);
  });
});

describe('staticwebapp.config.json', () => {
  it('lets the page reach Entra ID only when sign-in is configured', () => {
    const swa = readSwaConfig();
    expect(headersFor(swa, 'http://127.0.0.1:7071')['content-security-policy']).toContain("connect-src 'self' http://127.0.0.1:7071; frame-src 'self';");
    expect(headersFor(swa, "'self'", true)['content-security-policy']).toContain(
      "connect-src 'self' 'self' https://login.microsoftonline.com; frame-src 'self' https://login.microsoftonline.com;",
    );
  });

  it('serves redirect.html uncached, frameable by the site itself (silent renewal), without COOP', () => {
    const route = readSwaConfig().routes?.find((r) => r.route === '/redirect.html');
    const headers = route?.headers ?? {};

    expect(headers['cache-control']).toBe('no-store');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(headers['content-security-policy']).toContain("script-src 'self';");
    expect(Object.keys(headers).map((h) => h.toLowerCase())).not.toContain('cross-origin-opener-policy');
  });
});
