// The client against a throwaway HTTP server on loopback serving fixture JSON: real fetch, real sockets.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient, ApiError, ApiUnreachableError, isUnreachable } from '../src/api.ts';
import { target, targetList } from './fixtures.ts';

let server: Server;
let base: string;
let seen: IncomingMessage[] = [];
let answer: (request: IncomingMessage) => { status: number; body: string; type?: string } = () => ({ status: 200, body: '{}' });

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request);
    const { status, body, type } = answer(request);
    response.writeHead(status, { 'content-type': type ?? 'application/json' });
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

const client = (key = ''): ApiClient => new ApiClient({ apiBaseUrl: `${base}/`, functionKey: key, timeoutMs: 2000 });

describe('ApiClient', () => {
  it('reads the target list', async () => {
    answer = () => ({ status: 200, body: JSON.stringify(targetList([target()])) });

    const list = await client().targets();

    expect(list.targets[0]?.name).toBe('gateway');
    expect(seen[0]?.url).toBe('/api/targets');
  });

  it('sends the function key as x-functions-key when one is set, and no key header otherwise', async () => {
    answer = () => ({ status: 200, body: '{"dates":[]}' });

    await client('s3cret').reportDates();
    await client('').reportDates();

    expect(seen[0]?.headers['x-functions-key']).toBe('s3cret');
    expect(seen[1]?.headers['x-functions-key']).toBeUndefined();
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

    const error = await new ApiClient({ apiBaseUrl: `http://127.0.0.1:${port}/api`, functionKey: '', timeoutMs: 2000 }).targets().catch((e: unknown) => e);

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

  it('builds download links that carry the key as the code parameter', () => {
    const from = new Date('2026-11-26T00:00:00Z');
    const to = new Date('2026-11-27T00:00:00Z');

    expect(client('k&y').exportUrl('p.gw', from, to, 'csv')).toBe(`${base}/export?target=p.gw&from=2026-11-26T00%3A00%3A00Z&to=2026-11-27T00%3A00%3A00Z&format=csv&code=k%26y`);
    expect(client().reportUrl('2026-11-26')).toBe(`${base}/reports/2026-11-26`);
  });
});
