// The screens shown instead of any data when sign-in is configured and the API will not answer the user:
// not signed in (or the API said 401), signed in without a NetPulse role (the API said 403), and the
// signed-in user's strip in the header.

import type { SignedInUser } from '../auth.ts';
import { h } from '../dom.ts';

/** Why the sign-in screen is on show. */
export type SignInReason =
  | { kind: 'signedOut' }
  /** The API answered 401: the token was missing, expired or not accepted. */
  | { kind: 'expired' }
  /** Sign-in itself failed (MSAL's error code, or a message). */
  | { kind: 'failed'; detail: string };

export function signInScreen(reason: SignInReason, onSignIn: () => void): HTMLElement {
  const button = h('button', { type: 'button', class: 'sign-in-button' }, 'Sign in with Microsoft');
  button.addEventListener('click', () => {
    button.disabled = true;
    button.textContent = 'Going to Microsoft sign-in…';
    onSignIn();
  });
  const why =
    reason.kind === 'expired'
      ? 'Your session has ended or was not accepted by the NetPulse API. Sign in again to go on.'
      : 'NetPulse shows your network\'s status, latency history, incidents and reports only to people of your organisation. Sign in with your work account to see them.';
  return h(
    'section',
    { class: 'page sign-in', 'data-screen': 'sign-in' },
    h('h1', {}, 'NetPulse'),
    h('p', { class: 'lead' }, 'Network monitoring: live status, latency history, incidents and daily reports.'),
    h('p', { class: 'why' }, why),
    reason.kind === 'failed' ? h('p', { class: 'error' }, `Sign-in did not complete: ${reason.detail}`) : null,
    button,
  );
}

export function noRoleScreen(user: SignedInUser, onSignOut: () => void): HTMLElement {
  return h(
    'section',
    { class: 'page sign-in', 'data-screen': 'no-role' },
    h('h1', {}, 'No access to NetPulse'),
    h('p', { class: 'why' }, `You are signed in as ${user.username}, but your account has no NetPulse role (Reader or Admin); ask the owner of NetPulse to give you one.`),
    h('p', {}, 'After the role is given, sign out and in again so that it is in your token.'),
    signOutButton(onSignOut),
  );
}

/** The header's "name · roles · Sign out". */
export function userStrip(user: SignedInUser, onSignOut: () => void): HTMLElement {
  return h(
    'div',
    { class: 'user' },
    h('span', { class: 'user-name', title: user.username }, user.name),
    h('span', { class: 'user-roles' }, user.roles.length ? user.roles.join(', ') : 'no role'),
    signOutButton(onSignOut),
  );
}

function signOutButton(onSignOut: () => void): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'sign-out-button' }, 'Sign out');
  button.addEventListener('click', () => {
    button.disabled = true;
    onSignOut();
  });
  return button;
}
