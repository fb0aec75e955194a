// Puts the dashboard together: config, header and status bar, the router, and the refresh loop.

import { ApiClient } from './api.ts';
import { loadConfig, type DashboardConfig } from './config.ts';
import { h, replaceChildren, setAttr } from './dom.ts';
import { LiveLoop, StatusBar, type View } from './live.ts';
import { parseRoute, type Route } from './router.ts';
import type { ViewContext } from './views/context.ts';
import { IncidentsView } from './views/incidents.ts';
import { OverviewView } from './views/overview.ts';
import { ReportsView } from './views/reports.ts';
import { TargetView } from './views/target.ts';

export async function start(root: HTMLElement): Promise<void> {
  const main = h('main', { id: 'content' });
  const navLinks = {
    overview: h('a', { href: '#/' }, 'Overview'),
    incidents: h('a', { href: '#/incidents' }, 'Incidents'),
    reports: h('a', { href: '#/reports' }, 'Reports'),
  };
  const header = h(
    'header',
    { class: 'app-header' },
    h('a', { class: 'brand', href: '#/' }, 'NetPulse'),
    h('nav', { class: 'main-nav', 'aria-label': 'Pages' }, navLinks.overview, navLinks.incidents, navLinks.reports),
  );
  replaceChildren(root, header, main);

  let config: DashboardConfig;
  try {
    config = await loadConfig(window.location.href);
  } catch (error) {
    replaceChildren(main, h('section', { class: 'page' }, h('h1', {}, 'The dashboard is not configured'), h('p', { class: 'error' }, String(error instanceof Error ? error.message : error))));
    return;
  }

  const api = new ApiClient({
    apiBaseUrl: config.apiBaseUrl,
    functionKey: config.functionKey,
    // Long enough for a cold Functions start, short enough that the banner shows before the next tick is due twice.
    timeoutMs: Math.min(15_000, Math.max(4_000, config.refreshSeconds * 1000)),
  });
  const now = (): Date => new Date();
  const statusBar = new StatusBar(config.apiBaseUrl, config.refreshSeconds);
  header.append(statusBar.element);
  const loop = new LiveLoop(config.refreshSeconds * 1000, (state) => statusBar.set(state, now()));
  const context: ViewContext = { api, now, refreshNow: () => void loop.refreshNow() };
  const navigate = (href: string): void => {
    if (window.location.hash !== href) {
      window.location.hash = href;
    }
  };

  const show = (): void => {
    const route = parseRoute(window.location.hash);
    const view = createView(route, context, navigate);
    for (const [page, link] of Object.entries(navLinks)) {
      const current = route.page === page || (page === 'overview' && route.page === 'target');
      setAttr(link, 'aria-current', current ? 'page' : null);
    }

    if (route.page !== 'target') {
      document.title = 'NetPulse';
    }

    // The old page stays until the new one is in place, then goes in one swap.
    replaceChildren(main, view.element);
    void loop.show(view);
  };

  window.addEventListener('hashchange', show);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') {
      void loop.refreshNow();
    }
  });
  window.setInterval(() => {
    const at = now();
    statusBar.tick(at);
    loop.view?.tick?.(at);
  }, 1000);
  show();
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
    case 'notFound':
      return staticView(h('section', { class: 'page' }, h('h1', {}, 'Page not found'), h('p', {}, 'Nothing lives at this address. ', h('a', { href: '#/' }, 'Go to the overview.'))));
  }
}

function staticView(element: HTMLElement): View {
  return { element, refresh: () => Promise.resolve(), dispose: () => {} };
}
