// Seeds the real pipeline: ping batches in the wire format of functions/NetPulse.Contracts (PingBatch,
// samples as [offsetMs, value], value = RTT in µs or -(PingStatus)), signed as a probe signs them
// (SignedBatchMessage: "NPS1 <probeId> <keyId> <signature>\n" + the batch, ECDSA P-256/SHA-256, IEEE P1363,
// base64url), Base64 on the "ping-batches" queue, ingested by the dev host's IngestBatch trigger exactly as a
// probe's batches are. The probe's public key is registered through the API first (registerProbe).

import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import type { TargetSettings } from '../src/api.ts';
import type { QueueRest } from './queue.ts';

export const probeId = 'e2e-probe';
export const hostileName = '<img src=x onerror=alert(1)>';
const intervalMs = 10_000;
const timeout = -1; // -(int)PingStatus.Timeout

/** A target's settings (all targets share the seed's interval and the detection thresholds) and what it answers. */
export interface SeedTarget extends Omit<TargetSettings, 'intervalMs' | 'latencyThresholdMs' | 'lossThresholdPercent'> {
  /** RTT in µs, or a negative PingStatus, for round number `round` at `time`. */
  sample(round: number, time: number): number;
}

/** A repeatable wobble in [-1, 1], so runs seed the same data. */
function wobble(round: number, salt: number): number {
  const x = Math.sin(round * 12.9898 + salt * 78.233) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

export interface SeedPlan {
  targets: SeedTarget[];
  /** End of the seeded history (aligned to the interval): the samples stop here. */
  end: number;
  start: number;
  /** The web-server's outage that has ended, and the one still going on at `end`. */
  resolvedOutage: { start: number; end: number };
  openOutageStart: number;
}

export function plan(now: Date, historyMinutes = 120): SeedPlan {
  const end = Math.floor(now.getTime() / intervalMs) * intervalMs;
  const start = end - historyMinutes * 60_000;
  const resolvedOutage = { start: end - 40 * 60_000, end: end - 30 * 60_000 };
  const openOutageStart = end - 3 * 60_000;
  const targets: SeedTarget[] = [
    {
      name: 'gateway',
      host: '10.200.0.1',
      category: 'uplink',
      description: 'the ISP router',
      uplink: true,
      sample: (round) => Math.round(1500 + 500 * Math.sin(round / 7) + 300 * wobble(round, 1)),
    },
    {
      name: 'dns-a',
      host: 'dns-a.example',
      category: 'public dns',
      description: 'a public resolver',
      uplink: false,
      // One round in 37 lost: visible loss, under the 5 % threshold.
      sample: (round) => (round % 37 === 0 ? timeout : Math.round(15_000 + 5_000 * wobble(round, 2))),
    },
    {
      name: hostileName,
      host: '"><script>alert(2)</script>',
      category: '<b>hostile</b> & "quoted"',
      description: '<svg onload=alert(3)>',
      uplink: false,
      sample: (round) => Math.round(8_000 + 2_000 * wobble(round, 3)),
    },
    {
      name: 'web-server',
      host: 'web.example',
      category: 'servers',
      description: 'down for ten minutes forty minutes ago, and down again for the last three',
      uplink: false,
      sample: (round, time) =>
        (time >= resolvedOutage.start && time < resolvedOutage.end) || time >= openOutageStart
          ? timeout
          : Math.round(25_000 + 10_000 * Math.abs(wobble(round, 4))),
    },
  ];
  return { targets, end, start, resolvedOutage, openOutageStart };
}

export interface PingBatchJson {
  version: 1;
  probeId: string;
  sequence: number;
  windowStart: string;
  targets: (TargetSettings & { samples: [number, number][] })[];
}

/** The batches covering [from, to) in windows of `windowMs`, numbered from `firstSequence`. */
export function batches(targets: readonly SeedTarget[], from: number, to: number, windowMs: number, firstSequence: number): PingBatchJson[] {
  const result: PingBatchJson[] = [];
  let sequence = firstSequence;
  for (let windowStart = from; windowStart < to; windowStart += windowMs) {
    const windowEnd = Math.min(windowStart + windowMs, to);
    result.push({
      version: 1,
      probeId,
      sequence: sequence++,
      windowStart: new Date(windowStart).toISOString(),
      targets: targets.map(({ sample, ...settings }) => {
        const samples: [number, number][] = [];
        for (let time = windowStart; time < windowEnd; time += intervalMs) {
          samples.push([time - windowStart, sample(time / intervalMs, time)]);
        }

        return { ...settings, intervalMs, samples };
      }),
    });
  }

  return result;
}

/** The seeded probe's key pair, made once per test run as `netpulse-probe enroll` makes one. */
const probeKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const publicKeyDer = probeKey.publicKey.export({ type: 'spki', format: 'der' });
const keyId = createHash('sha256').update(publicKeyDer).digest().subarray(0, 8).toString('hex');

/** Registers the seeded probe's public key with the API (POST /api/probes; open on the local dev host). */
export async function registerProbe(apiBaseUrl: string): Promise<void> {
  const response = await fetch(`${apiBaseUrl}/probes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: probeId, publicKey: publicKeyDer.toString('base64') }),
  });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`registering probe ${probeId}: ${response.status} ${await response.text()}`);
  }
}

export function encode(batch: PingBatchJson): string {
  const body = Buffer.from(JSON.stringify(batch), 'utf8');
  const signature = sign('sha256', body, { key: probeKey.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  const header = Buffer.from(`NPS1 ${batch.probeId} ${keyId} ${signature}\n`, 'utf8');
  return Buffer.concat([header, body]).toString('base64');
}

export const queues = ['ping-batches', 'ping-batches-poison', 'alerts', 'alerts-poison'];

/** 10:00–11:00 UTC of the day before `end`: a finished day, so its daily report can be built. */
export function yesterdayHour(seed: SeedPlan): { date: string; start: number; end: number } {
  const day = new Date(seed.end);
  day.setUTCHours(0, 0, 0, 0);
  const start = day.getTime() - 86_400_000 + 10 * 3_600_000;
  return { date: new Date(start).toISOString().slice(0, 10), start, end: start + 3_600_000 };
}

/**
 * Creates the queues and sends an hour of yesterday, then the recent history, as 10-minute batches,
 * oldest first as a probe uploads its spool. Returns the next sequence number.
 */
export async function seedHistory(queue: QueueRest, seed: SeedPlan): Promise<number> {
  for (const name of queues) {
    await queue.create(name);
  }

  const yesterday = yesterdayHour(seed);
  const old = batches(seed.targets, yesterday.start, yesterday.end, 10 * 60_000, 0);
  const recent = batches(seed.targets, seed.start, seed.end, 10 * 60_000, old.length);
  for (const batch of [...old, ...recent]) {
    await queue.put('ping-batches', encode(batch));
  }

  return old.length + recent.length;
}

/**
 * Keeps the probe alive after the history: every few seconds, a batch with the rounds since the last one,
 * as a running probe would send. `override` changes what a target answers from now on.
 */
export class LiveProbe {
  #next: number;
  #sequence: number;
  #timer: ReturnType<typeof setInterval> | null = null;
  #sending: Promise<void> = Promise.resolve();
  readonly #overrides = new Map<string, (round: number, time: number) => number>();
  sent = 0;
  lastError: unknown = null;

  constructor(
    private readonly queue: QueueRest,
    private readonly seed: SeedPlan,
    firstSequence: number,
  ) {
    this.#next = seed.end;
    this.#sequence = firstSequence;
  }

  override(name: string, sample: (round: number, time: number) => number): void {
    this.#overrides.set(name, sample);
  }

  start(everyMs = 5_000): void {
    this.#timer = setInterval(() => {
      this.#sending = this.#sending.then(() => this.#tick()).catch((error: unknown) => {
        this.lastError = error;
      });
    }, everyMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
    }

    await this.#sending;
  }

  async #tick(): Promise<void> {
    const now = Math.floor(Date.now() / intervalMs) * intervalMs;
    if (now <= this.#next) {
      return;
    }

    const targets = this.seed.targets.map((t) => {
      const override = this.#overrides.get(t.name);
      return override ? { ...t, sample: override } : t;
    });
    const [batch] = batches(targets, this.#next, now, now - this.#next, this.#sequence);
    if (batch) {
      await this.queue.put('ping-batches', encode(batch));
      this.#sequence++;
      this.sent++;
    }

    this.#next = now;
  }
}
