// staticwebapp.config.json is the deployed site's rule book (Azure Static Web Apps). This module lets the
// build copy it into dist/ and the local preview server send the same headers, CSP included, so the
// local run and the end-to-end test see the page exactly as Azure would serve it.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin, PreviewServer } from 'vite';

export const apiOriginPlaceholder = '__NETPULSE_API_ORIGIN__';
/** Microsoft Entra ID's origin in connect-src (token endpoint, metadata) and frame-src (silent renewal), only with sign-in. */
export const signInOriginPlaceholder = '__NETPULSE_SIGNIN_ORIGIN__';
export const signInOrigin = 'https://login.microsoftonline.com';

const webRoot = fileURLToPath(new URL('..', import.meta.url));
export const swaConfigPath = `${webRoot}staticwebapp.config.json`;

interface SwaConfig {
  globalHeaders?: Record<string, string>;
  routes?: { route: string; headers?: Record<string, string> }[];
}

export function readSwaConfig(path = swaConfigPath): SwaConfig {
  return JSON.parse(readFileSync(path, 'utf8')) as SwaConfig;
}

/** The origin the CSP must let the page call: that of config.json's apiBaseUrl ("'self'" when it is relative). */
export function apiOrigin(apiBaseUrl: string, pageOrigin = 'http://127.0.0.1'): string {
  const url = new URL(apiBaseUrl, pageOrigin);
  return url.origin === new URL(pageOrigin).origin ? "'self'" : url.origin;
}

/**
 * The headers of staticwebapp.config.json with the API's origin put into the CSP's connect-src, and Microsoft
 * Entra ID's origin into connect-src and frame-src when sign-in is configured (left out otherwise).
 */
export function headersFor(config: SwaConfig, origin: string, signIn = false): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.globalHeaders ?? {})) {
    headers[name] = fillPlaceholders(value, origin, signIn);
  }

  return headers;
}

/** The template's placeholders filled (configure-deploy.mjs does the same to the deployed file). */
export function fillPlaceholders(text: string, origin: string, signIn: boolean): string {
  return text
    .replaceAll(apiOriginPlaceholder, origin)
    .replaceAll(` ${signInOriginPlaceholder}`, signIn ? ` ${signInOrigin}` : '')
    .replaceAll(signInOriginPlaceholder, signIn ? signInOrigin : '');
}

/** config.json as the dashboard reads it (src/config.ts). */
export interface ServedConfig {
  apiBaseUrl: string;
  refreshSeconds?: number;
  auth?: { clientId: string; tenantId: string; scope: string } | null;
}

export interface StaticWebAppPluginOptions {
  /** Served as /config.json by the preview server instead of the file in dist/ (the end-to-end test uses it). */
  config?: ServedConfig;
}

/**
 * Copies staticwebapp.config.json into the build, and makes `vite preview` send its global headers with the
 * API origin from the config.json being served (so the CSP is tried locally just as it will be deployed).
 */
export function staticWebApp(options: StaticWebAppPluginOptions = {}): Plugin {
  return {
    name: 'netpulse-static-web-app',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'staticwebapp.config.json', source: readFileSync(swaConfigPath, 'utf8') });
    },
    configurePreviewServer(server: PreviewServer) {
      const outDir = server.config.build.outDir;
      const distDir = outDir.startsWith('/') ? outDir : `${server.config.root}/${outDir}`;
      const served = (): ServedConfig => options.config ?? (JSON.parse(readFileSync(`${distDir}/config.json`, 'utf8')) as ServedConfig);

      server.middlewares.use((request, response, next) => {
        const host = request.headers.host ?? '127.0.0.1';
        const swa = readSwaConfig();
        const config = served();
        for (const [name, value] of Object.entries(headersFor(swa, apiOrigin(config.apiBaseUrl, `http://${host}`), Boolean(config.auth)))) {
          response.setHeader(name, value);
        }

        const path = (request.url ?? '/').split('?')[0];
        for (const route of swa.routes ?? []) {
          if (route.headers && matches(route.route, path ?? '/')) {
            for (const [name, value] of Object.entries(route.headers)) {
              response.setHeader(name, value);
            }
          }
        }

        if (options.config && path === '/config.json') {
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify(options.config));
          return;
        }

        next();
      });
    },
  };
}

function matches(route: string, path: string): boolean {
  return route.endsWith('/*') ? path.startsWith(route.slice(0, -1)) : route === path;
}
