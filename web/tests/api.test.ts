// The client against a throwaway HTTP server on loopback serving fixture JSON: real fetch, real sockets.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient, ApiError, ApiUnreachableError, fileNameOf, isForbidden, isUnauthorized, isUnreachable, type ApiClientOptions } from '../src/api.ts';
import { SignInRequiredError } from '../src/auth.ts';
import { target, targetList } from './fixtures.ts';

let server: Server;
let base: string;
let seen: IncomingMessage[] = [];
let answer: (request: IncomingMessage) => { status: number; body: string; type?: string; headers?: Record<string, string> } = () => ({ status: 200, body: '{}' });

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request);
    const { status, body, type, headers } = answer(request);
    response.writeHead(status, { 'content-type': type ?? 'application/json', ...headers });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen = [];
});

const client = (options: Partial<ApiClientOptions> = {}): ApiClient => new ApiClient({ apiBaseUrl: `${base}/`, timeoutMs: 2000, ...options });

const problem = (status: number, title: string): { status: number; body: string; type: string; headers: Record<string, string> } => ({
  status,
  type: 'application/problem+json',
  headers: status === 401 ? { 'www-authenticate': 'Bearer' } : {},
  body: JSON.stringify({ type: `urn:netpulse:problem:${status === 401 ? 'unauthenticated' : 'forbidden'}`, title, status, detail: title }),
});

describe('ApiClient', () => {
  it('reads the target list', async () => {
    answer = () => ({ status: 200, body: JSON.stringify(targetList([target()])) });

    const list = await client().targets();

    expect(list.targets[0]?.name).toBe('gateway');
    expect(seen[0]?.url).toBe('/api/targets');
  });

  it('sends no Authorization header and no key of any kind for an open API', async () => {
    answer = () => ({ status: 200, body: '{"dates":[]}' });

    await client().reportDates();

    expect(seen[0]?.headers['authorization']).toBeUndefined();
    expect(seen[0]?.headers['x-functions-key']).toBeUndefined();
    expect(seen[0]?.url).toBe('/api/reports');
  });

  it('sends the access token as a bearer token, asking for it on every call', async () => {
    answer = () => ({ status: 200, body: '{"dates":[]}' });
    let asked = 0;
    const api = client({ token: () => Promise.resolve(`t${++asked}`) });

    await api.reportDates();
    await api.targets();

    expect(seen.map((r) => r.headers['authorization'])).toEqual(['Bearer t1', 'Bearer t2']);
    expect(api.signsRequests).toBe(true);
    expect(client().signsRequests).toBe(false);
  });

  it('makes no call when there is no token: the sign-in error passes through unchanged', async () => {
    const error = await client({ token: () => Promise.reject(new SignInRequiredError(false)) })
      .targets()
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SignInRequiredError);
    expect(isUnreachable(error)).toBe(false);
    expect(seen).toHaveLength(0);
  });

  it('turns a 401 problem into an ApiError the app is told of, not an outage', async () => {
    answer = () => problem(401, 'Sign in');
    const refused: ApiError[] = [];

    const error = await client({ token: () => Promise.resolve('expired'), onRefused: (e) => refused.push(e) })
      .targets()
      .catch((e: unknown) => e);

    expect(isUnauthorized(error)).toBe(true);
    expect(isForbidden(error)).toBe(false);
    expect((error as ApiError).problem?.title).toBe('Sign in');
    expect(isUnreachable(error)).toBe(false);
    expect(refused).toEqual([error]);
    expect(refused[0]?.method).toBe('GET');
  });

  it('turns a 403 into an ApiError that says which method was refused', async () => {
    answer = (request) => (request.method === 'POST' ? problem(403, 'Needs the Admin role') : { status: 200, body: '{"dates":[]}' });
    const refused: ApiError[] = [];
    const api = client({ token: () => Promise.resolve('reader'), onRefused: (e) => refused.push(e) });

    await api.reportDates();
    const error = await api.rebuildReport('2026-11-26').catch((e: unknown) => e);

    expect(isForbidden(error)).toBe(true);
    expect((error as ApiError).message).toBe('Needs the Admin role');
    expect(refused.map((e) => `${e.method} ${e.status}`)).toEqual(['POST 403']);
    expect(seen[1]?.method).toBe('POST');
    expect(seen[1]?.url).toBe('/api/reports/2026-11-26/rebuild');
    expect(seen[1]?.headers['authorization']).toBe('Bearer reader');
  });

  it('tells the app of no other error status', async () => {
    answer = () => ({ status: 404, body: '{"title":"no"}', type: 'application/problem+json' });
    const refused: ApiError[] = [];

    await client({ onRefused: (e) => refused.push(e) })
      .report('2026-01-01')
      .catch(() => {});

    expect(refused).toEqual([]);
  });

  it('downloads a file with the token and its name from Content-Disposition, only from the API', async () => {
    answer = () => ({ status: 200, body: 'time,probeId\r\n', type: 'text/csv', headers: { 'content-disposition': 'attachment; filename="netpulse-x-2026.csv"' } });
    const api = client({ token: () => Promise.resolve('t') });
    const url = api.exportUrl('p.gw', new Date('2026-11-26T00:00:00Z'), new Date('2026-11-27T00:00:00Z'), 'csv');

    const file = await api.download(url);

    expect(await file.blob.text()).toBe('time,probeId\r\n');
    expect(file.fileName).toBe('netpulse-x-2026.csv');
    expect(seen[0]?.headers['authorization']).toBe('Bearer t');
    await expect(api.download('https://elsewhere.example/api/export')).rejects.toThrow('not an API download');
    expect(fileNameOf(null)).toBeNull();
  });

  it('puts ids in the path encoded and the range in ISO-8601 UTC', async () => {
    answer = () => ({ status: 200, body: '{"points":[]}' });

    await client().series('a/b c', new Date('2026-11-27T04:00:00.123Z'), new Date('2026-11-27T05:00:00Z'));

    expect(seen[0]?.url).toBe('/api/targets/a%2Fb%20c/series?from=2026-11-27T04%3A00%3A00Z&to=2026-11-27T05%3A00%3A00Z');
  });

  it('leaves out filters that are not set', async () => {
    answer = () => ({ status: 200, body: '{"incidents":[]}' });

    await client().incidents({ state: 'open' });

    expect(seen[0]?.url).toBe('/api/incidents?state=open');
  });

  it('turns a problem answer into an ApiError with status and parameter', async () => {
    answer = () => ({
      status: 400,
      type: 'application/problem+json',
      body: JSON.stringify({ title: 'Bad parameter', status: 400, detail: "'from' is not a time", parameter: 'from' }),
    });

    const error = await client().incidents({}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).problem?.parameter).toBe('from');
    expect((error as ApiError).message).toBe("'from' is not a time");
    expect(isUnreachable(error)).toBe(false);
  });

  it('reports a refused connection as unreachable', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));

    const error = await new ApiClient({ apiBaseUrl: `http://127.0.0.1:${port}/api`, timeoutMs: 2000 }).targets().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiUnreachableError);
    expect(isUnreachable(error)).toBe(true);
  });

  it('reports a gateway error or a body that is not JSON as the API being away', async () => {
    answer = () => ({ status: 503, body: 'Service Unavailable', type: 'text/plain' });
    expect(isUnreachable(await client().targets().catch((e: unknown) => e))).toBe(true);

    answer = () => ({ status: 200, body: '<html>proxy login</html>', type: 'text/html' });
    expect(await client().targets().catch((e: unknown) => e)).toBeInstanceOf(ApiUnreachableError);
  });

  it('passes an abort through as an abort, not as an outage', async () => {
    answer = () => ({ status: 200, body: '{}' });
    const controller = new AbortController();
    controller.abort();

    const error = await client().targets(controller.signal).catch((e: unknown) => e);

    expect(error).not.toBeInstanceOf(ApiUnreachableError);
    expect((error as DOMException).name).toBe('AbortError');
  });

  it('builds download links with no key or token in them', () => {
    const from = new Date('2026-11-26T00:00:00Z');
    const to = new Date('2026-11-27T00:00:00Z');

    expect(client({ token: () => Promise.resolve('secret') }).exportUrl('p.gw', from, to, 'csv')).toBe(`${base}/export?target=p.gw&from=2026-11-26T00%3A00%3A00Z&to=2026-11-27T00%3A00%3A00Z&format=csv`);
    expect(client().reportUrl('2026-11-26')).toBe(`${base}/reports/2026-11-26`);
  });
});
