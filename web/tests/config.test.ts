import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.ts';

const page = 'https://dash.example.net/index.html#/target/x';

describe('parseConfig', () => {
  it('reads the shipped local config', () => {
    expect(parseConfig({ apiBaseUrl: 'http://127.0.0.1:7071/api', functionKey: '', refreshSeconds: 5 }, page)).toEqual({
      apiBaseUrl: 'http://127.0.0.1:7071/api',
      functionKey: '',
      refreshSeconds: 5,
    });
  });

  it('fills defaults, trims the key and the trailing slash, and resolves a relative base against the page', () => {
    expect(parseConfig({ apiBaseUrl: '/api/', functionKey: ' k ' }, page)).toEqual({
      apiBaseUrl: 'https://dash.example.net/api',
      functionKey: 'k',
      refreshSeconds: 5,
    });
  });

  it.each([
    [null, 'must be a JSON object'],
    [[], 'must be a JSON object'],
    [{}, '"apiBaseUrl"'],
    [{ apiBaseUrl: 'javascript:alert(1)' }, 'must be http or https'],
    [{ apiBaseUrl: 'http://x/api', functionKey: 5 }, '"functionKey"'],
    [{ apiBaseUrl: 'http://x/api', refreshSeconds: 0 }, '"refreshSeconds"'],
    [{ apiBaseUrl: 'http://x/api', refreshSeconds: '5' }, '"refreshSeconds"'],
  ])('rejects %j naming the problem', (raw, problem) => {
    expect(() => parseConfig(raw, page)).toThrow(ConfigError);
    expect(() => parseConfig(raw, page)).toThrow(problem);
  });
});
