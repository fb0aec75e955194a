// The sign-in state against a scripted stand-in for MSAL's PublicClientApplication.

import type { AuthenticationResult } from '@azure/msal-browser';
import { describe, expect, it } from 'vitest';
import { AuthSession, SignInRequiredError, TokenError, userOf } from '../src/auth.ts';
import { account, FakeMsal, InteractionRequiredAuthError } from './fake-msal.ts';

const scope = 'api://99999999-8888-4777-8666-555555555555/access_as_user';

describe('userOf', () => {
  it('takes the NetPulse roles from the ID token, in a fixed order, and nothing else', () => {
    expect(userOf(account(['Admin', 'Other', 'Reader'])).roles).toEqual(['Reader', 'Admin']);
    expect(userOf(account(undefined)).roles).toEqual([]);
    expect(userOf(account('Admin')).roles).toEqual([]);
  });

  it('names the user by display name, else by sign-in name', () => {
    expect(userOf(account([], 'Ada Lovelace')).name).toBe('Ada Lovelace');
    expect(userOf(account([], ' ')).name).toBe('ada@contoso.example');
  });
});

describe('AuthSession', () => {
  it('is signed out when no sign-in came back and none is cached, and then makes no token request', async () => {
    const msal = new FakeMsal();
    const session = new AuthSession(msal, scope);

    expect(await session.start()).toBeNull();
    expect(msal.calls).toEqual(['initialize', 'handleRedirectPromise']);
    expect(session.canWrite).toBe(false);
    await expect(session.token()).rejects.toEqual(new SignInRequiredError(false));
    expect(msal.calls).toHaveLength(2);
  });

  it('takes the account a sign-in brought back and makes it the active one', async () => {
    const msal = new FakeMsal();
    msal.redirectResult = { account: account(['Reader']) } as AuthenticationResult;
    const session = new AuthSession(msal, scope);

    expect(await session.start()).toEqual({ name: 'Ada Lovelace', username: 'ada@contoso.example', roles: ['Reader'] });
    expect(msal.active?.username).toBe('ada@contoso.example');
    expect(session.canWrite).toBe(false);
  });

  it('finds the account of an earlier sign-in in this tab', async () => {
    const msal = new FakeMsal();
    msal.accounts = [account(['Admin'])];
    const session = new AuthSession(msal, scope);

    expect((await session.start())?.roles).toEqual(['Admin']);
    expect(session.canWrite).toBe(true);
  });

  it("takes the roles from the API's access token, which carries the API registration's app roles", async () => {
    const msal = new FakeMsal();
    msal.accounts = [account(undefined)];
    const payload = btoa(JSON.stringify({ aud: 'api://x', roles: ['Admin', 'Other'] })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    msal.silent = () => Promise.resolve({ accessToken: `eyJhbGciOiJSUzI1NiJ9.${payload}.c2ln` } as AuthenticationResult);
    const session = new AuthSession(msal, scope);

    expect((await session.start())?.roles).toEqual(['Admin']);
    expect(session.canWrite).toBe(true);
  });

  it('keeps the ID token roles when the access token cannot be had silently at start', async () => {
    const msal = new FakeMsal();
    msal.accounts = [account(['Reader'])];
    msal.silent = () => Promise.reject(new InteractionRequiredAuthError());
    const session = new AuthSession(msal, scope);

    expect((await session.start())?.roles).toEqual(['Reader']);
    expect(msal.calls.some((c) => c.startsWith('acquireTokenRedirect'))).toBe(false);
  });

  it('gets each token silently for the API scope', async () => {
    const msal = new FakeMsal();
    msal.accounts = [account(['Reader'])];
    const session = new AuthSession(msal, scope);
    await session.start();

    expect(await session.token()).toBe('token-1');
    expect(msal.calls).toContain(`acquireTokenSilent ${scope}`);
  });

  it('goes to sign-in once when Entra ID wants the user back, however many calls were waiting', async () => {
    const msal = new FakeMsal();
    msal.accounts = [account(['Reader'])];
    msal.silent = () => Promise.reject(new InteractionRequiredAuthError());
    const session = new AuthSession(msal, scope);
    await session.start();

    const errors = await Promise.all([session.token(), session.token(), session.token()].map((p) => p.catch((e: unknown) => e)));

    for (const error of errors) {
      expect(error).toBeInstanceOf(SignInRequiredError);
      expect((error as SignInRequiredError).redirecting).toBe(true);
    }

    expect(msal.calls.filter((c) => c.startsWith('acquireTokenRedirect'))).toEqual([`acquireTokenRedirect ${scope}`]);
    // On its way to Microsoft: no further token requests (one at start for the roles, one per waiting call).
    await expect(session.token()).rejects.toBeInstanceOf(SignInRequiredError);
    expect(msal.calls.filter((c) => c.startsWith('acquireTokenSilent'))).toHaveLength(4);
  });

  it('reports any other token failure by MSAL error code, without a redirect', async () => {
    const msal = new FakeMsal();
    msal.accounts = [account(['Reader'])];
    msal.silent = () => Promise.reject(Object.assign(new Error('See https://aka.ms/msal.js.errors'), { name: 'BrowserAuthError', errorCode: 'no_network_connectivity' }));
    const session = new AuthSession(msal, scope);
    await session.start();

    const error = await session.token().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).message).toContain('no_network_connectivity');
    expect(msal.calls.some((c) => c.startsWith('acquireTokenRedirect'))).toBe(false);
  });

  it('signs in by redirect for the API scope, and signs out by redirect', async () => {
    const msal = new FakeMsal();
    const session = new AuthSession(msal, scope);
    await session.start();
    await session.signIn();
    expect(msal.calls).toContain(`loginRedirect ${scope}`);

    const admin = new FakeMsal();
    admin.accounts = [account(['Admin'])];
    const signedIn = new AuthSession(admin, scope);
    await signedIn.start();
    await signedIn.signOut();
    expect(admin.calls).toContain('logoutRedirect');
    expect(signedIn.user).toBeNull();
  });
});
