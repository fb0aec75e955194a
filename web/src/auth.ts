// Sign-in with Microsoft Entra ID, when config.json has "auth": who is signed in, their NetPulse roles,
// and an access token for each API call. MSAL itself (msal.ts) is loaded only when sign-in is configured;
// this module sees it through the few methods it uses, so the unit tests drive it with a fake.

import type { AccountInfo, AuthenticationResult, EndSessionRequest, RedirectRequest, SilentRequest } from '@azure/msal-browser';

/** The API's app roles (the shared contract): Reader reads everything, Admin may also write (report rebuild). */
export const roles = ['Reader', 'Admin'] as const;
export type Role = (typeof roles)[number];

export interface SignedInUser {
  /** The display name, else the sign-in name. */
  name: string;
  username: string;
  /**
   * NetPulse roles, in the order of `roles`; others are left out. From the API's access token when one could be had
   * (the app roles are defined on the API's registration, so only its tokens carry them when the dashboard has a
   * registration of its own), else from the ID token. A hint for the page only: the API checks every call itself.
   */
  roles: Role[];
}

/** The part of PublicClientApplication the dashboard uses. */
export interface MsalPort {
  initialize(): Promise<void>;
  handleRedirectPromise(): Promise<AuthenticationResult | null>;
  getActiveAccount(): AccountInfo | null;
  setActiveAccount(account: AccountInfo | null): void;
  getAllAccounts(): AccountInfo[];
  acquireTokenSilent(request: SilentRequest): Promise<AuthenticationResult>;
  acquireTokenRedirect(request: RedirectRequest): Promise<void>;
  loginRedirect(request?: RedirectRequest): Promise<void>;
  logoutRedirect(request?: EndSessionRequest): Promise<void>;
}

/** Nobody is signed in, or the page is on its way to Microsoft's sign-in: no API call can be made now. */
export class SignInRequiredError extends Error {
  constructor(readonly redirecting: boolean) {
    super(redirecting ? 'on the way to sign in with Microsoft' : 'sign in with Microsoft to see NetPulse');
    this.name = 'SignInRequiredError';
  }
}

/** A token could not be had for a reason other than "sign in again" (e.g. Microsoft's sign-in cannot be reached). */
export class TokenError extends Error {
  constructor(readonly code: string, cause: unknown) {
    super(`could not get an access token from Microsoft Entra ID (${code})`, { cause });
    this.name = 'TokenError';
  }
}

/** MSAL's InteractionRequiredAuthError, told by name so this module need not load MSAL. */
export function isInteractionRequired(error: unknown): boolean {
  return error instanceof Error && error.name === 'InteractionRequiredAuthError';
}

export function userOf(account: AccountInfo, accessTokenRoles: readonly string[] | null = null): SignedInUser {
  const claimed = accessTokenRoles ?? account.idTokenClaims?.roles;
  const held = new Set(Array.isArray(claimed) ? claimed : []);
  return {
    name: account.name?.trim() || account.username,
    username: account.username,
    roles: roles.filter((role) => held.has(role)),
  };
}

/** The `roles` claim of a JWT access token, or null when the token is no JWT or has no such claim. */
export function rolesOfAccessToken(token: string): string[] | null {
  const payload = token.split('.')[1];
  if (!payload) {
    return null;
  }

  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const claims: unknown = JSON.parse(json);
    if (claims === null || typeof claims !== 'object' || !('roles' in claims) || !Array.isArray(claims.roles)) {
      return null;
    }

    return claims.roles.filter((role): role is string => typeof role === 'string');
  } catch {
    return null;
  }
}

export class AuthSession {
  #account: AccountInfo | null = null;
  #accessTokenRoles: string[] | null = null;
  #redirecting = false;

  constructor(
    private readonly msal: MsalPort,
    private readonly scope: string,
  ) {}

  /**
   * Finishes a sign-in that brought the browser back here (handleRedirectPromise) or finds the account of an
   * earlier one in this tab's session; null when nobody is signed in.
   */
  async start(): Promise<SignedInUser | null> {
    await this.msal.initialize();
    const result = await this.msal.handleRedirectPromise();
    const account = result?.account ?? this.msal.getActiveAccount() ?? this.msal.getAllAccounts()[0] ?? null;
    if (account) {
      this.msal.setActiveAccount(account);
    }

    this.#account = account;
    if (account) {
      try {
        // Silently only: a token that needs the user back is asked for by the first API call, which redirects.
        this.#accessTokenRoles = rolesOfAccessToken((await this.msal.acquireTokenSilent({ scopes: [this.scope], account })).accessToken);
      } catch {
        this.#accessTokenRoles = null;
      }
    }

    return this.user;
  }

  get user(): SignedInUser | null {
    return this.#account ? userOf(this.#account, this.#accessTokenRoles) : null;
  }

  /** True when the signed-in user may use write routes (the Admin role). */
  get canWrite(): boolean {
    return this.user?.roles.includes('Admin') ?? false;
  }

  /**
   * An access token for the API, from MSAL's cache or renewed silently. When Entra ID wants the user back
   * (expired session, new consent), the page goes to the sign-in page and this throws SignInRequiredError.
   */
  async token(): Promise<string> {
    const account = this.#account;
    if (!account || this.#redirecting) {
      throw new SignInRequiredError(this.#redirecting);
    }

    try {
      const result = await this.msal.acquireTokenSilent({ scopes: [this.scope], account });
      return result.accessToken;
    } catch (error) {
      if (isInteractionRequired(error)) {
        await this.#redirect(() => this.msal.acquireTokenRedirect({ scopes: [this.scope], account }));
        throw new SignInRequiredError(true);
      }

      if (error instanceof SignInRequiredError) {
        throw error;
      }

      throw new TokenError(errorCode(error) ?? (error instanceof Error ? error.name : 'unknown'), error);
    }
  }

  /** Goes to Microsoft's sign-in page (auth code flow with PKCE); the API's scope is consented there too. */
  signIn(): Promise<void> {
    return this.#redirect(() => this.msal.loginRedirect({ scopes: [this.scope] }));
  }

  signOut(): Promise<void> {
    const account = this.#account;
    this.#account = null;
    return this.#redirect(() => this.msal.logoutRedirect(account ? { account } : {}));
  }

  /** One redirect at a time: the calls of one refresh all fail together, and MSAL refuses a second interaction. */
  async #redirect(go: () => Promise<void>): Promise<void> {
    if (this.#redirecting) {
      return;
    }

    this.#redirecting = true;
    try {
      await go();
    } catch (error) {
      this.#redirecting = false;
      throw error;
    }
  }
}

/** An MSAL error's `errorCode` (v5's messages are only links to its docs), else null. */
export function errorCode(error: unknown): string | null {
  if (error !== null && typeof error === 'object' && 'errorCode' in error && typeof error.errorCode === 'string' && error.errorCode) {
    return error.errorCode;
  }

  return null;
}
