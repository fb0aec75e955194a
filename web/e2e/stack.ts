// The real parts the end-to-end test runs against: a fresh in-memory Azurite, the Functions dev host
// (built beforehand by `dotnet build`), and the built dashboard under `vite preview` with the Static Web
// App's headers. Every process is started here in its own process group and stopped by its id.

import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { preview, type PreviewServer } from 'vite';
import { type ServedConfig, staticWebApp } from '../scripts/static-web-app.ts';

export const webRoot = fileURLToPath(new URL('..', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** Screenshots and process logs; NETPULSE_E2E_RESULTS moves them (e.g. to the repository's artifacts/). */
export const resultsDir = process.env['NETPULSE_E2E_RESULTS'] ?? `${webRoot}test-results`;
const logsDir = `${resultsDir}/logs`;

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const devAccount = {
  name: 'devstoreaccount1',
  key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
};

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('no port');
  }

  return address.port;
}

export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Thrown by a waitFor probe when waiting longer cannot help. */
export class GiveUp extends Error {}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) {
        return value;
      }
    } catch (error) {
      if (error instanceof GiveUp) {
        throw error;
      }

      last = error;
    }

    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }

  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

/** A child process in its own group, with its output in test-results/logs/<name>.log. */
export class Service {
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  readonly logPath: string;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: { cwd: string; env?: Record<string, string> },
  ) {
    mkdirSync(logsDir, { recursive: true });
    this.logPath = `${logsDir}/${name}.log`;
    const log = createWriteStream(this.logPath, { flags: 'a' });
    log.write(`\n==== ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
    this.#child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.#child.stdout?.pipe(log, { end: false });
    this.#child.stderr?.pipe(log, { end: false });
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    live.add(this);
  }

  get exitCode(): number | null {
    return this.#child.exitCode;
  }

  /** Stops the process group: SIGTERM, then SIGKILL if it has not gone within the grace time. */
  async stop(graceMs = 10_000): Promise<void> {
    live.delete(this);
    if (this.#child.exitCode !== null || this.#child.signalCode !== null || this.#child.pid === undefined) {
      return;
    }

    signalGroup(this.#child.pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(this.#child.pid!, 'SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  killNow(): void {
    if (this.#child.pid !== undefined && this.#child.exitCode === null) {
      signalGroup(this.#child.pid, 'SIGKILL');
    }
  }
}

const live = new Set<Service>();
// A crashed test run must not leave Azurite or the dev host behind.
process.once('exit', () => {
  for (const service of live) {
    service.killNow();
  }
});

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export interface Azurite {
  service: Service;
  connectionString: string;
  queueEndpoint: string;
}

export async function startAzurite(): Promise<Azurite> {
  const entry = `${repoRoot}tools/azurite/node_modules/azurite/dist/src/azurite.js`;
  if (!existsSync(entry)) {
    throw new Error(`Azurite is not installed at ${entry}: run "npm ci" in tools/azurite (scripts/prerequisites.sh does)`);
  }

  const [blob, queue, table] = [await freePort(), await freePort(), await freePort()];
  const service = new Service(
    'azurite',
    process.execPath,
    [
      entry,
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--loose',
      '--blobHost', '127.0.0.1', '--blobPort', String(blob),
      '--queueHost', '127.0.0.1', '--queuePort', String(queue),
      '--tableHost', '127.0.0.1', '--tablePort', String(table),
    ],
    { cwd: webRoot },
  );
  for (const port of [blob, queue, table]) {
    await waitFor(`Azurite on 127.0.0.1:${port} (log: ${service.logPath})`, () => isListening(port), 30_000);
  }

  const account = devAccount.name;
  const queueEndpoint = `http://127.0.0.1:${queue}/${account}`;
  return {
    service,
    queueEndpoint,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${account};AccountKey=${devAccount.key};` +
      `BlobEndpoint=http://127.0.0.1:${blob}/${account};QueueEndpoint=${queueEndpoint};TableEndpoint=http://127.0.0.1:${table}/${account};`,
  };
}

/** NETPULSE_DEVHOST_DLL points at another build of the dev host (e.g. one made outside the work tree). */
export const devHostDll = process.env['NETPULSE_DEVHOST_DLL'] ?? `${repoRoot}functions/NetPulse.DevHost/bin/Release/net10.0/NetPulse.DevHost.dll`;

/**
 * The dev host as built by `dotnet build -c Release` (run-tests.sh builds the solution first). Started from its
 * dll rather than `dotnet run --no-build`, so the process stopped is the host itself and not a launcher.
 */
export async function startDevHost(options: { port: number; storage: string; dashboardOrigin: string; mailFolder: string }): Promise<Service> {
  if (!existsSync(devHostDll)) {
    throw new Error(`the dev host is not built (${devHostDll} is missing): run "dotnet build functions/NetPulse.DevHost -c Release" first`);
  }

  const service = new Service('devhost', 'dotnet', [devHostDll, '--urls', `http://127.0.0.1:${options.port}`], {
    cwd: `${repoRoot}functions/NetPulse.DevHost`,
    env: {
      AzureWebJobsStorage: options.storage,
      DOTNET_ENVIRONMENT: 'Development',
      ASPNETCORE_ENVIRONMENT: 'Development',
      NetPulse__Smtp__Host: '',
      NetPulse__Smtp__PickupFolder: options.mailFolder,
      NetPulse__Smtp__From: 'NetPulse <netpulse@localhost>',
      NetPulse__Smtp__To: 'e2e@localhost',
      NetPulse__Api__AllowedOrigins: options.dashboardOrigin,
      // Report days are UTC days, so the test knows which day its seeded hour falls on.
      NetPulse__TimeZone: 'UTC',
      DOTNET_CLI_TELEMETRY_OPTOUT: '1',
      DOTNET_NOLOGO: '1',
    },
  });
  await waitFor(
    `the dev host's /api/health on port ${options.port} (log: ${service.logPath})`,
    async () => {
      if (service.exitCode !== null) {
        throw new GiveUp(`the dev host exited with code ${service.exitCode}; see ${service.logPath}`);
      }

      const response = await fetch(`http://127.0.0.1:${options.port}/api/health`);
      return response.ok;
    },
    60_000,
    500,
  );
  return service;
}

/** The built dashboard (dist/) on a free port, config.json pointing at the dev host, with the deployed site's headers. */
export async function serveDashboard(config: ServedConfig): Promise<{ server: PreviewServer; origin: string }> {
  if (!existsSync(`${webRoot}dist/index.html`)) {
    throw new Error('the dashboard is not built: run "npm run build" in web/ first');
  }

  const port = await freePort();
  const server = await preview({
    root: webRoot,
    configFile: false,
    logLevel: 'warn',
    base: './',
    build: { outDir: 'dist' },
    preview: { host: '127.0.0.1', port, strictPort: true },
    plugins: [staticWebApp({ config: { auth: null, ...config } })],
  });
  return { server, origin: `http://127.0.0.1:${port}` };
}
