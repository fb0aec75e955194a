// Which probe a target is seen from, where it matters: several probes may watch targets of the same name
// ("lab-03" three times). Such a name reads "lab-03 @ office-berlin" (the probe's site, else its id) on tiles,
// the target page and in incident lists; a name only one probe has stays as it is. The backend's twin is
// TargetLabels (alerts and mails use it): keep the two formats the same.

import type { Probe, Target } from './api.ts';

export const labelSeparator = ' @ ';

/** The probe's site when it has one, else its id. */
export function probeWhere(probeId: string, site: string | null | undefined): string {
  return site && site.trim() !== '' ? site : probeId;
}

/** The target's name, with where it is watched from when the name is ambiguous. Plain text: set it with textContent. */
export function targetLabel(name: string, probeId: string, site: string | null | undefined, ambiguous: boolean): string {
  return ambiguous ? `${name}${labelSeparator}${probeWhere(probeId, site)}` : name;
}

/** Target names that more than one probe has. */
export function ambiguousNames(targets: readonly Pick<Target, 'probeId' | 'name'>[]): Set<string> {
  const probesOf = new Map<string, Set<string>>();
  for (const { probeId, name } of targets) {
    const probes = probesOf.get(name) ?? new Set<string>();
    probes.add(probeId);
    probesOf.set(name, probes);
  }

  return new Set([...probesOf].filter(([, probes]) => probes.size > 1).map(([name]) => name));
}

/** A labeller for one target list (the overview's, not retired): (probeId, name) → label. */
export function labeller(list: { probes?: readonly Probe[]; targets?: readonly Pick<Target, 'probeId' | 'name'>[] }): (probeId: string, name: string) => string {
  const ambiguous = ambiguousNames(list.targets ?? []);
  const sites = new Map((list.probes ?? []).map((p) => [p.probeId, p.site ?? null]));
  return (probeId, name) => targetLabel(name, probeId, sites.get(probeId), ambiguous.has(name));
}
