// A scripted stand-in for MSAL's PublicClientApplication, and accounts as MSAL gives them.

import type { AccountInfo, AuthenticationResult, RedirectRequest, SilentRequest } from '@azure/msal-browser';
import type { MsalPort } from '../src/auth.ts';

export function account(roles?: unknown, name = 'Ada Lovelace'): AccountInfo {
  return {
    homeAccountId: 'uid.tid',
    environment: 'login.microsoftonline.com',
    tenantId: 'tid',
    username: 'ada@contoso.example',
    localAccountId: 'uid',
    name,
    idTokenClaims: roles === undefined ? {} : { roles: roles as string[] },
  };
}

export class InteractionRequiredAuthError extends Error {
  readonly errorCode = 'interaction_required';
  constructor() {
    super('See https://aka.ms/msal.js.errors#interaction_required for details');
    this.name = 'InteractionRequiredAuthError';
  }
}

export class FakeMsal implements MsalPort {
  readonly calls: string[] = [];
  active: AccountInfo | null = null;
  accounts: AccountInfo[] = [];
  redirectResult: AuthenticationResult | null = null;
  silent: (request: SilentRequest) => Promise<AuthenticationResult> = () => Promise.resolve({ accessToken: 'token-1' } as AuthenticationResult);

  initialize(): Promise<void> {
    this.calls.push('initialize');
    return Promise.resolve();
  }

  handleRedirectPromise(): Promise<AuthenticationResult | null> {
    this.calls.push('handleRedirectPromise');
    return Promise.resolve(this.redirectResult);
  }

  getActiveAccount(): AccountInfo | null {
    return this.active;
  }

  setActiveAccount(account: AccountInfo | null): void {
    this.active = account;
  }

  getAllAccounts(): AccountInfo[] {
    return this.accounts;
  }

  acquireTokenSilent(request: SilentRequest): Promise<AuthenticationResult> {
    this.calls.push(`acquireTokenSilent ${request.scopes.join(' ')}`);
    return this.silent(request);
  }

  acquireTokenRedirect(request: RedirectRequest): Promise<void> {
    this.calls.push(`acquireTokenRedirect ${request.scopes.join(' ')}`);
    return Promise.resolve();
  }

  loginRedirect(request?: RedirectRequest): Promise<void> {
    this.calls.push(`loginRedirect ${request?.scopes.join(' ')}`);
    return Promise.resolve();
  }

  logoutRedirect(): Promise<void> {
    this.calls.push('logoutRedirect');
    return Promise.resolve();
  }
}
