// Puts the dashboard together: config, sign-in (when configured), header and status bar, the router, and
// the refresh loop.

import { ApiClient, type ApiError, type TokenProvider } from './api.ts';
import { AuthSession, errorCode, SignInRequiredError, type MsalPort, type SignedInUser } from './auth.ts';
import { loadConfig, type AuthConfig, type DashboardConfig } from './config.ts';
import { h, replaceChildren, setAttr } from './dom.ts';
import { interceptDownloads } from './downloads.ts';
import { LiveLoop, StatusBar, type View } from './live.ts';
import { parseRoute, type Route } from './router.ts';
import type { ViewContext } from './views/context.ts';
import { AlertsView, UndeliveredBanner } from './views/alerts.ts';
import { IncidentsView } from './views/incidents.ts';
import { FleetView } from './views/fleet.ts';
import { RankingView } from './views/ranking.ts';
import { PathView } from './views/path.ts';
import { MaintenanceView } from './views/maintenance.ts';
import { OverviewView } from './views/overview.ts';
import { ReportsView } from './views/reports.ts';
import { SharedPage } from './views/shared.ts';
import { EvidenceView } from './views/evidence.ts';
import { noRoleScreen, signInScreen, userStrip, type SignInReason } from './views/signin.ts';
import { TargetView } from './views/target.ts';
import { ProbePickerView, TargetsEditorView } from './views/targets-editor.ts';

/** What start() takes from the outside world; the unit tests pass fakes. */
export interface AppDependencies {
  loadConfig(pageUrl: string): Promise<DashboardConfig>;
  /** Only called when config.json configures sign-in; the default loads MSAL (its own chunk). */
  createMsal(auth: AuthConfig, pageUrl: string): Promise<MsalPort>;
  fetch?: typeof fetch;
}

const defaults: AppDependencies = {
  loadConfig: (pageUrl) => loadConfig(pageUrl),
  createMsal: async (auth, pageUrl) => (await import('./msal.ts')).createMsal(auth, pageUrl),
};

/** The running dashboard (null when a sign-in screen stands instead), for tests. */
export interface RunningApp {
  refreshNow(): Promise<void>;
  /** Stops refreshing and following the route. */
  stop(): void;
}

export async function start(root: HTMLElement, dependencies: AppDependencies = defaults): Promise<RunningApp | null> {
  const main = h('main', { id: 'content' });
  const navLinks = {
    overview: h('a', { href: '#/' }, 'Overview'),
    incidents: h('a', { href: '#/incidents' }, 'Incidents'),
    reports: h('a', { href: '#/reports' }, 'Reports'),
    evidence: h('a', { href: '#/evidence' }, 'Evidence'),
    maintenance: h('a', { href: '#/maintenance' }, 'Maintenance'),
    alerts: h('a', { href: '#/alerts' }, 'Alerts'),
    manageTargets: h('a', { href: '#/manage-targets' }, 'Manage targets'),
    fleet: h('a', { href: '#/fleet' }, 'Fleet'),
    ranking: h('a', { href: '#/ranking' }, 'Ranking'),
  };
  const nav = h('nav', { class: 'main-nav', 'aria-label': 'Pages' }, navLinks.overview, navLinks.incidents, navLinks.reports, navLinks.evidence, navLinks.maintenance, navLinks.alerts, navLinks.ranking, navLinks.fleet, navLinks.manageTargets);
  const header = h('header', { class: 'app-header' }, h('a', { class: 'brand', href: '#/' }, 'NetPulse'), nav);
  replaceChildren(root, header, main);

  let config: DashboardConfig;
  try {
    config = await dependencies.loadConfig(window.location.href);
  } catch (error) {
    replaceChildren(main, h('section', { class: 'page' }, h('h1', {}, 'The dashboard is not configured'), h('p', { class: 'error' }, String(error instanceof Error ? error.message : error))));
    return null;
  }

  // A share link's page stands alone: no sign-in, no navigation, no other route of the API (views/shared.ts).
  if (parseRoute(window.location.hash).page === 'shared') {
    return startShared(main, header, nav, config, dependencies);
  }

  // With sign-in configured nothing from the API is shown until somebody is signed in.
  let session: AuthSession | null = null;
  let user: SignedInUser | null = null;
  if (config.auth) {
    nav.hidden = true;
    try {
      session = new AuthSession(await dependencies.createMsal(config.auth, window.location.href), config.auth.scope);
      user = await session.start();
    } catch (error) {
      showSignIn(main, session, { kind: 'failed', detail: describeAuthError(error) });
      return null;
    }

    if (!user) {
      showSignIn(main, session, { kind: 'signedOut' });
      return null;
    }

    nav.hidden = false;
  }

  const signedIn = session;
  let ended = false;
  const now = (): Date => new Date();
  const statusBar = new StatusBar(config.apiBaseUrl, config.refreshSeconds);
  const loop = new LiveLoop(config.refreshSeconds * 1000, (state) => {
    if (state.kind === 'failed' && state.error instanceof SignInRequiredError) {
      end({ kind: 'expired' });
      return;
    }

    statusBar.set(state, now());
  });

  /** The API refused the user: stop, and take every figure off the page before saying why. */
  const end = (reason: SignInReason | 'noRole'): void => {
    if (ended || !signedIn) {
      return;
    }

    ended = true;
    loop.stop();
    window.removeEventListener('hashchange', show);
    document.title = 'NetPulse';
    nav.hidden = true;
    statusBar.element.remove();
    banner.element.remove();
    userElement?.remove();
    if (reason === 'noRole' && user) {
      replaceChildren(main, noRoleScreen(user, () => void signedIn.signOut()));
    } else {
      showSignIn(main, signedIn, reason === 'noRole' ? { kind: 'expired' } : reason);
    }
  };

  const token: TokenProvider | undefined = signedIn ? () => signedIn.token() : undefined;
  const api = new ApiClient({
    apiBaseUrl: config.apiBaseUrl,
    // Long enough for a cold Functions start, short enough that the banner shows before the next tick is due twice.
    timeoutMs: Math.min(15_000, Math.max(4_000, config.refreshSeconds * 1000)),
    ...(dependencies.fetch ? { fetch: dependencies.fetch } : {}),
    ...(token ? { token } : {}),
    onRefused: (error: ApiError) => {
      if (error.status === 401) {
        end({ kind: 'expired' });
      } else if (error.method === 'GET') {
        // No role for reading at all. A write route's 403 (Reader pressing an Admin button) is the button's to say.
        end('noRole');
      }
    },
  });

  const userElement = signedIn && user ? userStrip(user, () => void signedIn.signOut()) : null;
  header.append(...[userElement, statusBar.element].filter((e): e is HTMLElement => e !== null));
  if (api.signsRequests) {
    interceptDownloads(main, api, (message) => statusBar.set({ kind: 'failed', lastOk: null, error: new Error(message) }, now()));
  }

  const banner = new UndeliveredBanner();
  root.insertBefore(banner.element, main);
  const refreshBanner = (): void => void banner.refresh(api, now());

  const context: ViewContext = { api, now, refreshNow: () => void loop.refreshNow(), canWrite: signedIn ? signedIn.canWrite : true };
  const navigate = (href: string): void => {
    if (window.location.hash !== href) {
      window.location.hash = href;
    }
  };

  function show(): void {
    const route = parseRoute(window.location.hash);
    const view = createView(route, context, navigate);
    for (const [page, link] of Object.entries(navLinks)) {
      const current = route.page === page || (page === 'overview' && route.page === 'target');
      setAttr(link, 'aria-current', current ? 'page' : null);
    }

    if (route.page !== 'target') {
      document.title = 'NetPulse';
    }

    refreshBanner();
    // The old page stays until the new one is in place, then goes in one swap.
    replaceChildren(main, view.element);
    void loop.show(view);
  }

  window.addEventListener('hashchange', show);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && !ended) {
      void loop.refreshNow();
    }
  });
  const ticker = window.setInterval(() => {
    if (ended) {
      window.clearInterval(ticker);
      return;
    }

    const at = now();
    statusBar.tick(at);
    if (at.getSeconds() === 0) {
      refreshBanner();
    }

    loop.view?.tick?.(at);
  }, 1000);
  show();
  return {
    refreshNow: () => loop.refreshNow(),
    stop: () => {
      ended = true;
      loop.stop();
      window.removeEventListener('hashchange', show);
      window.clearInterval(ticker);
    },
  };
}

/** The page of a share link: its token is the only credential, so no sign-in starts and nothing else is fetched. */
function startShared(main: HTMLElement, header: HTMLElement, nav: HTMLElement, config: DashboardConfig, dependencies: AppDependencies): RunningApp {
  const route = parseRoute(window.location.hash);
  nav.remove();
  header.querySelector('a.brand')?.removeAttribute('href');
  const statusBar = new StatusBar(config.apiBaseUrl, config.refreshSeconds);
  header.append(statusBar.element);
  const api = new ApiClient({
    apiBaseUrl: config.apiBaseUrl,
    timeoutMs: Math.min(15_000, Math.max(4_000, config.refreshSeconds * 1000)),
    ...(dependencies.fetch ? { fetch: dependencies.fetch } : {}),
  });
  const loop = new LiveLoop(config.refreshSeconds * 1000, (state) => statusBar.set(state, new Date()));
  const page = new SharedPage(api, route.page === 'shared' ? route.token : '', () => new Date());
  // Leaving the link's address starts the dashboard afresh, with its sign-in.
  const leave = (): void => {
    if (parseRoute(window.location.hash).page !== 'shared') {
      window.location.reload();
    }
  };
  window.addEventListener('hashchange', leave);
  replaceChildren(main, page.element);
  void loop.show(page);
  return {
    refreshNow: () => loop.refreshNow(),
    stop: () => {
      loop.stop();
      window.removeEventListener('hashchange', leave);
    },
  };
}

function showSignIn(main: HTMLElement, session: AuthSession | null, reason: SignInReason): void {
  replaceChildren(
    main,
    signInScreen(reason, () => {
      if (!session) {
        // MSAL itself could not start: a fresh page is the only way to try again.
        window.location.reload();
        return;
      }

      session.signIn().catch((error: unknown) => showSignIn(main, session, { kind: 'failed', detail: describeAuthError(error) }));
    }),
  );
}

/** MSAL v5's messages are only links to its docs: its error code says more. */
function describeAuthError(error: unknown): string {
  return errorCode(error) ?? (error instanceof Error ? error.message : String(error));
}

function createView(route: Route, context: ViewContext, navigate: (href: string) => void): View {
  switch (route.page) {
    case 'overview':
      return new OverviewView(context);
    case 'target':
      return new TargetView(context, route.id, route.range);
    case 'incidents':
      return new IncidentsView(context, route, navigate);
    case 'reports':
      return new ReportsView(context, route.date);
    case 'maintenance':
      return new MaintenanceView(context);
    case 'alerts':
      return new AlertsView(context, route.state, navigate);
    case 'manageTargets':
      return route.probe === null ? new ProbePickerView(context) : new TargetsEditorView(context, route.probe);
    case 'fleet':
      return new FleetView(context);
    case 'shared':
      return new SharedPage(context.api, route.token, context.now);
    case 'evidence':
      return new EvidenceView(context, route.probe);
    case 'ranking':
      return new RankingView(context, route.range, route.by);
    case 'incidentPath':
      return new PathView(context, route.incident);
    case 'notFound':
      return staticView(h('section', { class: 'page' }, h('h1', {}, 'Page not found'), h('p', {}, 'Nothing lives at this address. ', h('a', { href: '#/' }, 'Go to the overview.'))));
  }
}

function staticView(element: HTMLElement): View {
  return { element, refresh: () => Promise.resolve(), dispose: () => {} };
}
