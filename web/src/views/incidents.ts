// Incidents: open and resolved, filtered by target, type, state and range. The filters live in the
// hash (#/incidents?target=…&type=…), so a filtered view can be bookmarked and shared.

import { incidentStates, type Incident, type IncidentState, type Target } from '../api.ts';
import { h, setText } from '../dom.ts';
import { incidentTypeNames, incidentTypes, isIncidentType } from '../incidentTypes.ts';
import { labeller } from '../labels.ts';
import type { View } from '../live.ts';
import { routeHref, type Route } from '../router.ts';
import { ranges, rangeWindow, type RangeKey } from '../series.ts';
import type { ViewContext } from './context.ts';
import { IncidentTable } from './incident-table.ts';

type IncidentsRoute = Extract<Route, { page: 'incidents' }>;

export class IncidentsView implements View {
  readonly element: HTMLElement;
  readonly #table: IncidentTable;
  readonly #targetSelect: HTMLSelectElement;
  readonly #count = h('p', { class: 'summary' });
  #targetsKey = '';

  constructor(
    private readonly context: ViewContext,
    private readonly route: IncidentsRoute,
    private readonly navigate: (href: string) => void,
  ) {
    this.#table = new IncidentTable({
      showTarget: true,
      emptyText: 'No incidents match these filters.',
      ...(context.canWrite ? { acknowledge: (incident: Incident) => context.api.acknowledge(incident.id) } : {}),
    });
    this.#targetSelect = h('select', { name: 'target' }, option('', 'all targets', route.target === null));
    if (route.target) {
      // Until the target list arrives, keep the chosen id selectable so the filter shows what is applied.
      this.#targetSelect.append(option(route.target, route.target, true));
    }

    const typeSelect = h(
      'select',
      { name: 'type' },
      option('', 'all types', route.type === null),
      ...incidentTypeNames.map((type) => option(type, incidentTypes[type].label, route.type === type)),
    );
    const stateSelect = h(
      'select',
      { name: 'state' },
      ...incidentStates.map((state) => option(state, state, route.state === state)),
    );
    const rangeSelect = h(
      'select',
      { name: 'range' },
      ...(Object.keys(ranges) as RangeKey[]).map((key) => option(key, `last ${ranges[key].label}`, route.range === key)),
    );

    const form = h(
      'form',
      { class: 'filters' },
      label('Target', this.#targetSelect),
      label('Type', typeSelect),
      label('State', stateSelect),
      label('Range', rangeSelect),
    );
    form.addEventListener('change', () => {
      const next: IncidentsRoute = {
        page: 'incidents',
        target: this.#targetSelect.value || null,
        type: isIncidentType(typeSelect.value) ? typeSelect.value : null,
        state: stateSelect.value as IncidentState,
        range: rangeSelect.value as RangeKey,
      };
      this.navigate(routeHref(next));
    });
    form.addEventListener('submit', (event) => event.preventDefault());

    this.element = h('section', { class: 'page incidents' }, h('h1', {}, 'Incidents'), form, this.#count, this.#table.element);
  }

  async refresh(signal: AbortSignal): Promise<void> {
    const now = this.context.now();
    const { from, to } = rangeWindow(this.route.range, now);
    const [list, targets] = await Promise.all([
      this.context.api.incidents(
        {
          from,
          to,
          ...(this.route.target ? { target: this.route.target } : {}),
          ...(this.route.type ? { type: this.route.type } : {}),
          state: this.route.state,
        },
        signal,
      ),
      this.context.api.targets(signal),
    ]);
    signal.throwIfAborted();
    this.#updateTargets(targets.targets ?? []);
    const incidents = list.incidents ?? [];
    const open = incidents.filter((i) => i.end === null).length;
    setText(this.#count, `${incidents.length} incident${incidents.length === 1 ? '' : 's'}, ${open} open`);
    this.#table.update(incidents, now, labeller(targets));
  }

  tick(now: Date): void {
    this.#table.tick(now);
  }

  dispose(): void {}

  #updateTargets(targets: readonly Target[]): void {
    const sorted = [...targets].sort((a, b) => a.name.localeCompare(b.name));
    const key = sorted.map((t) => `${t.id}\u0000${t.name}`).join('\u0001');
    if (key === this.#targetsKey) {
      return;
    }

    this.#targetsKey = key;
    const chosen = this.route.target;
    const options = [option('', 'all targets', chosen === null)];
    for (const target of sorted) {
      // Two probes may watch targets of the same name: the probe id tells them apart.
      const duplicate = sorted.some((t) => t !== target && t.name === target.name);
      options.push(option(target.id, duplicate ? `${target.name} (${target.probeId})` : target.name, target.id === chosen));
    }

    if (chosen && !sorted.some((t) => t.id === chosen)) {
      options.push(option(chosen, chosen, true));
    }

    this.#targetSelect.replaceChildren(...options);
  }
}

function option(value: string, text: string, selected: boolean): HTMLOptionElement {
  const element = h('option', { value }, text);
  element.selected = selected;
  return element;
}

function label(text: string, control: HTMLElement): HTMLElement {
  return h('label', {}, h('span', {}, text), control);
}
