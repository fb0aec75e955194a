// The client's maintenance and acknowledgement calls against a throwaway HTTP server on loopback: real fetch, real sockets.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, muteForAnHour } from '../src/api.ts';
import { at, incident } from './fixtures.ts';

let server: Server;
let base: string;
const seen: { method: string; url: string; body: string; type: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', body, type: request.headers['content-type'] });
      if (request.method === 'DELETE') {
        response.writeHead(204);
        response.end();
        return;
      }

      response.writeHead(request.method === 'POST' && request.url === '/api/maintenance' ? 201 : 200, { 'content-type': 'application/json' });
      response.end(request.url?.endsWith('/ack') ? JSON.stringify(incident({ acknowledgement: { by: 'Ana', at: at(0), note: null } })) : body || '{"windows":[]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('ApiClient maintenance and acknowledgement', () => {
  it('posts a window as JSON, deletes one and acknowledges an incident', async () => {
    const api = new ApiClient({ apiBaseUrl: base, timeoutMs: 2000 });
    const request = muteForAnHour({ probeId: 'home-1', name: 'gw' }, new Date('2026-03-02T10:00:00Z'));

    await api.addMaintenanceWindow(request);
    await api.deleteMaintenanceWindow('abc 1');
    const acknowledged = await api.acknowledge('20260302T100000-D-00');
    await api.maintenanceWindows();

    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /api/maintenance',
      'DELETE /api/maintenance/abc%201',
      'POST /api/incidents/20260302T100000-D-00/ack',
      'GET /api/maintenance',
    ]);
    expect(JSON.parse(seen[0]!.body)).toEqual(request);
    expect(seen[0]!.type).toBe('application/json');
    expect(acknowledged.acknowledgement?.by).toBe('Ana');
  });
});
