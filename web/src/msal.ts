// The real MSAL, loaded (as its own chunk) only when config.json configures sign-in.

import { BrowserCacheLocation, PublicClientApplication } from '@azure/msal-browser';
import type { MsalPort } from './auth.ts';
import type { AuthConfig } from './config.ts';

export const signInOrigin = 'https://login.microsoftonline.com';

/**
 * The redirect URI to register on the SPA app registration ("Single-page application" platform): redirect.html
 * next to index.html, which hands the answer back to the page (MSAL v5's redirect bridge, src/redirect.ts).
 * It serves sign-in, silent renewal in a hidden iframe, and the return after sign-out.
 */
export function redirectUri(pageUrl: string): string {
  return new URL('redirect.html', pageUrl).href;
}

export function createMsal(auth: AuthConfig, pageUrl: string): MsalPort {
  return new PublicClientApplication({
    auth: {
      clientId: auth.clientId,
      authority: `${signInOrigin}/${auth.tenantId}`,
      redirectUri: redirectUri(pageUrl),
      postLogoutRedirectUri: redirectUri(pageUrl),
    },
    // This tab only, gone when it closes; tokens never reach localStorage.
    cache: { cacheLocation: BrowserCacheLocation.SessionStorage },
  });
}
