import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.ts';

const page = 'https://dash.example.net/index.html#/target/x';
const clientId = '11111111-2222-4333-8444-555555555555';
const tenantId = 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE';
const scope = 'api://99999999-8888-4777-8666-555555555555/access_as_user';

describe('parseConfig', () => {
  it('reads the shipped local config: an open API, no sign-in', () => {
    expect(parseConfig({ apiBaseUrl: 'http://127.0.0.1:7071/api', refreshSeconds: 5, auth: null }, page)).toEqual({
      apiBaseUrl: 'http://127.0.0.1:7071/api',
      refreshSeconds: 5,
      auth: null,
    });
  });

  it('fills defaults, trims the trailing slash, and resolves a relative base against the page', () => {
    expect(parseConfig({ apiBaseUrl: '/api/' }, page)).toEqual({
      apiBaseUrl: 'https://dash.example.net/api',
      refreshSeconds: 5,
      auth: null,
    });
  });

  it('reads sign-in settings, GUIDs in lower case and the scope trimmed', () => {
    expect(parseConfig({ apiBaseUrl: '/api', auth: { clientId, tenantId, scope: ` ${scope} ` } }, page).auth).toEqual({
      clientId,
      tenantId: tenantId.toLowerCase(),
      scope,
    });
  });

  it('refuses a config.json that still has a function key, saying to remove it and configure auth', () => {
    for (const functionKey of ['', 's3cret']) {
      expect(() => parseConfig({ apiBaseUrl: '/api', functionKey }, page)).toThrow(ConfigError);
      expect(() => parseConfig({ apiBaseUrl: '/api', functionKey }, page)).toThrow(/"functionKey" is no longer read: remove it .*configure "auth"/);
    }
  });

  it.each([
    [null, 'must be a JSON object'],
    [[], 'must be a JSON object'],
    [{}, '"apiBaseUrl"'],
    [{ apiBaseUrl: 'javascript:alert(1)' }, 'must be http or https'],
    [{ apiBaseUrl: 'http://x/api', refreshSeconds: 0 }, '"refreshSeconds"'],
    [{ apiBaseUrl: 'http://x/api', refreshSeconds: '5' }, '"refreshSeconds"'],
    [{ apiBaseUrl: 'http://x/api', auth: 'yes' }, '"auth" must be null'],
    [{ apiBaseUrl: 'http://x/api', auth: [] }, '"auth" must be null'],
    [{ apiBaseUrl: 'http://x/api', auth: { tenantId, scope } }, '"auth.clientId" must be a GUID'],
    [{ apiBaseUrl: 'http://x/api', auth: { clientId: 'my-app', tenantId, scope } }, '"auth.clientId" must be a GUID'],
    [{ apiBaseUrl: 'http://x/api', auth: { clientId, tenantId: 'contoso.onmicrosoft.com', scope } }, '"auth.tenantId" must be a GUID'],
    [{ apiBaseUrl: 'http://x/api', auth: { clientId, tenantId: `{${tenantId}}`, scope } }, '"auth.tenantId" must be a GUID'],
    [{ apiBaseUrl: 'http://x/api', auth: { clientId, tenantId } }, '"auth.scope"'],
    [{ apiBaseUrl: 'http://x/api', auth: { clientId, tenantId, scope: '  ' } }, '"auth.scope"'],
    [{ apiBaseUrl: 'http://x/api', auth: { clientId, tenantId, scope: 'a b' } }, '"auth.scope"'],
    [{ apiBaseUrl: 'http://x/api', auth: { clientId, tenantId, scope, clientSecret: 'x' } }, '"auth.clientSecret" is not a setting'],
  ])('rejects %j naming the problem', (raw, problem) => {
    expect(() => parseConfig(raw, page)).toThrow(ConfigError);
    expect(() => parseConfig(raw, page)).toThrow(problem);
  });
});
