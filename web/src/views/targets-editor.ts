// The targets a probe runs when they are managed centrally (issue 16): list, add, edit, disable or enable, delete,
// import a CSV or JSON file, export. The API checks every change with the same rules as the probe's own targets file;
// its 400 names each field at fault, and each problem is shown next to its field. Names are text from users: they go
// into the page as text nodes only (dom.ts), so a target called `<img src=x onerror=alert(1)>` reads as exactly that.

import { ApiError, isForbidden, type ManagedTarget, type ManagedTargetFields, type ManagedTargetList, type Problem } from '../api.ts';
import { h, replaceChildren, setText } from '../dom.ts';
import type { View } from '../live.ts';
import type { ViewContext } from './context.ts';

/** The form's fields, in the API's camelCase names, with how each is entered. */
export const targetFields = [
  { name: 'name', label: 'Name', kind: 'text' },
  { name: 'host', label: 'Host', kind: 'text' },
  { name: 'intervalMs', label: 'Interval (ms)', kind: 'number' },
  { name: 'timeoutMs', label: 'Timeout (ms, optional)', kind: 'number' },
  { name: 'category', label: 'Category', kind: 'text' },
  { name: 'description', label: 'Description', kind: 'text' },
  { name: 'latencyThresholdMs', label: 'Latency threshold (ms, optional)', kind: 'number' },
  { name: 'lossThresholdPercent', label: 'Loss threshold (%, optional)', kind: 'number' },
  { name: 'uplink', label: 'Uplink', kind: 'checkbox' },
  { name: 'enabled', label: 'Enabled', kind: 'checkbox' },
] as const;

export type FieldName = (typeof targetFields)[number]['name'];

/** What the form holds: text for text and number inputs, a flag for checkboxes. */
export type FormValues = Record<FieldName, string | boolean>;

/** The request body for the form's values: an empty number is null (the API then says what is missing or uses its default). */
export function fieldsOf(values: FormValues): ManagedTargetFields {
  const text = (name: FieldName): string => String(values[name] ?? '');
  const optional = (name: FieldName): string | null => (text(name).trim() === '' ? null : text(name));
  const number = (name: FieldName): number | null => (text(name).trim() === '' ? null : Number(text(name)));
  return {
    name: text('name'),
    host: text('host').trim(),
    category: optional('category'),
    description: optional('description'),
    uplink: values.uplink === true,
    intervalMs: number('intervalMs'),
    latencyThresholdMs: number('latencyThresholdMs'),
    lossThresholdPercent: number('lossThresholdPercent'),
    enabled: values.enabled === true,
    timeoutMs: number('timeoutMs'),
  };
}

/** A stored target as form values, for editing it. */
export function valuesOf(target: ManagedTargetFields): FormValues {
  const text = (value: string | number | null): string => (value === null ? '' : String(value));
  return {
    name: target.name,
    host: target.host,
    category: text(target.category),
    description: text(target.description),
    uplink: target.uplink,
    intervalMs: text(target.intervalMs),
    latencyThresholdMs: text(target.latencyThresholdMs),
    lossThresholdPercent: text(target.lossThresholdPercent),
    enabled: target.enabled,
    timeoutMs: text(target.timeoutMs),
  };
}

/** The problems of a 400 by field; anything not named by a form field lands under "form". */
export function errorsByField(problem: Problem | null): Map<FieldName | 'form', string[]> {
  const errors = new Map<FieldName | 'form', string[]>();
  const add = (field: string, messages: string[]): void => {
    const key = targetFields.some((f) => f.name === field) ? (field as FieldName) : 'form';
    errors.set(key, [...(errors.get(key) ?? []), ...messages]);
  };
  for (const [field, messages] of Object.entries(problem?.errors ?? {})) {
    add(field, messages);
  }

  if (errors.size === 0) {
    add(problem?.parameter ?? 'form', [problem?.detail ?? 'the API refused the target']);
  }

  return errors;
}

/** An import's report as lines: "row 3, host: …", or the problem's detail when it names no rows. */
export function importReportLines(problem: Problem | null): string[] {
  const rows = problem?.rows ?? [];
  if (rows.length === 0) {
    return [problem?.detail ?? 'the API refused the import'];
  }

  return rows.map((r) => `${r.row === null ? 'file' : `row ${r.row}`}, ${r.field}: ${r.problem}`);
}

/** The import's format from the file's name or type. */
export function formatOf(fileName: string, type: string): 'csv' | 'json' {
  return /\.json$/i.test(fileName) || type.includes('json') ? 'json' : 'csv';
}

/** Lists the probes whose targets can be managed, each a link to its editor. */
export class ProbePickerView implements View {
  readonly element: HTMLElement;
  readonly #list = h('ul', { class: 'probe-picker' });

  constructor(private readonly context: ViewContext) {
    this.element = h('section', { class: 'page targets-editor' }, h('h1', {}, 'Manage targets'), h('p', { class: 'hint' }, 'Pick a probe to see and change the targets it runs.'), this.#list);
  }

  async refresh(signal: AbortSignal): Promise<void> {
    const { probes } = await this.context.api.registeredProbes(signal);
    replaceChildren(
      this.#list,
      ...probes.map((p) => h('li', {}, h('a', { href: `#/probes/${encodeURIComponent(p.id)}/targets` }, p.id), p.revokedAt ? ' (key revoked)' : '')),
    );
  }

  dispose(): void {}
}

export class TargetsEditorView implements View {
  readonly element: HTMLElement;
  readonly #body = h('tbody');
  readonly #summary = h('p', { class: 'managed-summary' });
  readonly #status = h('p', { class: 'editor-status', role: 'status' });
  readonly #formError = h('p', { class: 'field-error form-error', role: 'alert', hidden: true });
  readonly #formTitle = h('h2', {}, 'Add a target');
  readonly #submit = h('button', { type: 'submit', class: 'save-target' }, 'Add target');
  readonly #cancel = h('button', { type: 'button', class: 'cancel-edit', hidden: true }, 'Cancel edit');
  readonly #inputs = new Map<FieldName, HTMLInputElement>();
  readonly #errors = new Map<FieldName, HTMLElement>();
  readonly #importReport = h('ul', { class: 'import-report' });
  readonly #controller = new AbortController();
  #editing: ManagedTarget | null = null;

  constructor(
    private readonly context: ViewContext,
    private readonly probeId: string,
  ) {
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col' }, 'Name'),
      h('th', { scope: 'col' }, 'Host'),
      h('th', { scope: 'col' }, 'Interval'),
      h('th', { scope: 'col' }, 'State'),
      h('th', { scope: 'col' }, 'Category'),
      context.canWrite && h('th', { scope: 'col' }, ''),
    );
    const exportLinks = h(
      'p',
      { class: 'export-links' },
      'Export: ',
      h('a', { href: context.api.managedTargetsExportUrl(probeId, 'csv'), download: '' }, 'CSV'),
      ' · ',
      h('a', { href: context.api.managedTargetsExportUrl(probeId, 'json'), download: '' }, 'JSON'),
    );
    this.element = h(
      'section',
      { class: 'page targets-editor' },
      h('h1', {}, `Targets of probe ${probeId}`),
      h('p', { class: 'hint' }, 'The targets this probe runs when managed centrally; it fetches changes within a minute. A disabled target stays listed but is not pinged.'),
      this.#summary,
      this.#status,
      h('div', { class: 'table-scroll' }, h('table', { class: 'managed-targets' }, h('thead', {}, head), this.#body)),
      exportLinks,
      context.canWrite && this.#form(),
      context.canWrite && this.#importForm(),
    );
  }

  async refresh(signal: AbortSignal): Promise<void> {
    this.show(await this.context.api.managedTargets(this.probeId, signal));
  }

  show(list: ManagedTargetList): void {
    setText(
      this.#summary,
      list.managed
        ? `${list.targets.length} of at most ${list.maxTargets} targets, version ${list.version ?? ''}.`
        : 'Not managed centrally: the probe runs its own targets file. Adding or importing targets here moves it to this list.',
    );
    replaceChildren(this.#body, ...list.targets.map((t) => this.#row(t)));
  }

  dispose(): void {
    this.#controller.abort();
  }

  #row(target: ManagedTarget): HTMLTableRowElement {
    const actions = this.context.canWrite
      ? h(
          'td',
          { class: 'actions' },
          this.#action('Edit', 'edit-target', () => Promise.resolve(this.#edit(target))),
          this.#action(target.enabled ? 'Disable' : 'Enable', 'toggle-target', () => this.#toggle(target)),
          this.#action('Delete', 'delete-target', () => this.#delete(target)),
        )
      : null;
    return h(
      'tr',
      { 'data-target-id': target.id, class: target.enabled ? '' : 'disabled' },
      h('td', { class: 'target-name' }, target.name),
      h('td', {}, target.host),
      h('td', {}, `${target.intervalMs} ms`),
      h('td', {}, [target.enabled ? 'enabled' : 'disabled', target.uplink ? 'uplink' : ''].filter((s) => s).join(', ')),
      h('td', {}, target.category ?? ''),
      actions,
    );
  }

  #action(label: string, className: string, run: () => Promise<void>): HTMLButtonElement {
    const button = h('button', { type: 'button', class: className }, label);
    button.addEventListener('click', () => {
      button.disabled = true;
      void run().finally(() => {
        button.disabled = false;
      });
    });
    return button;
  }

  #form(): HTMLFormElement {
    const rows = targetFields.map((field) => {
      const id = `target-${field.name}`;
      const input = h('input', { id, name: field.name, type: field.kind, 'aria-describedby': `${id}-error`, ...(field.kind === 'number' ? { step: 'any' } : {}) });
      if (field.name === 'enabled') {
        input.checked = true;
      }

      const error = h('span', { id: `${id}-error`, class: 'field-error', 'data-field': field.name, role: 'alert', hidden: true });
      this.#inputs.set(field.name, input);
      this.#errors.set(field.name, error);
      return h('div', { class: `field field-${field.kind}` }, h('label', { for: id }, field.label), input, error);
    });
    const form = h('form', { class: 'target-form', novalidate: true }, this.#formTitle, ...rows, this.#formError, h('div', { class: 'form-actions' }, this.#submit, this.#cancel));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submit.disabled = true;
      void this.#save().finally(() => {
        this.#submit.disabled = false;
      });
    });
    this.#cancel.addEventListener('click', () => this.#reset());
    return form;
  }

  #importForm(): HTMLElement {
    const file = h('input', { type: 'file', class: 'import-file', accept: '.csv,.json,text/csv,application/json', 'aria-label': 'CSV or JSON file' });
    const mode = h('select', { class: 'import-mode', 'aria-label': 'Import mode' }, h('option', { value: 'merge' }, 'merge (update and add)'), h('option', { value: 'replace' }, 'replace the whole list'));
    const run = h('button', { type: 'button', class: 'import-targets' }, 'Import');
    run.addEventListener('click', () => {
      const chosen = file.files?.[0];
      if (!chosen) {
        replaceChildren(this.#importReport, h('li', {}, 'Choose a CSV or JSON file first.'));
        return;
      }

      run.disabled = true;
      void this.#import(chosen, mode.value === 'replace' ? 'replace' : 'merge').finally(() => {
        run.disabled = false;
      });
    });
    return h(
      'section',
      { class: 'import' },
      h('h2', {}, 'Import'),
      h('p', { class: 'hint' }, 'CSV with a header row of the field names (as the export writes it), or JSON. All or nothing: any problem, and nothing is written.'),
      file,
      mode,
      run,
      this.#importReport,
    );
  }

  async #import(file: File, mode: 'merge' | 'replace'): Promise<void> {
    try {
      const result = await this.context.api.importManagedTargets(this.probeId, await file.text(), formatOf(file.name, file.type), mode, this.#controller.signal);
      replaceChildren(this.#importReport, h('li', {}, `Imported: ${result.added} added, ${result.changed} changed, ${result.removed} removed, ${result.unchanged} unchanged.`));
      this.context.refreshNow();
    } catch (error) {
      const lines = error instanceof ApiError && error.status === 400 ? importReportLines(error.problem) : [this.#refusal(error, 'importing')];
      replaceChildren(this.#importReport, ...lines.map((line) => h('li', { class: 'import-problem' }, line)));
    }
  }

  async #save(): Promise<void> {
    this.#showErrors(new Map());
    const values = Object.fromEntries([...this.#inputs].map(([name, input]) => [name, input.type === 'checkbox' ? input.checked : input.value])) as FormValues;
    const fields = fieldsOf(values);
    try {
      const editing = this.#editing;
      const saved = editing
        ? await this.context.api.updateManagedTarget(this.probeId, editing.id, editing.etag, fields, this.#controller.signal)
        : await this.context.api.addManagedTarget(this.probeId, fields, this.#controller.signal);
      setText(this.#status, `${editing ? 'Saved' : 'Added'} “${saved.name}”.`);
      this.#reset();
      this.context.refreshNow();
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        this.#showErrors(errorsByField(error.problem));
      } else if (error instanceof ApiError && error.status === 409) {
        this.#showErrors(new Map([['name', [error.problem?.detail ?? 'the name is taken']]]));
      } else if (error instanceof ApiError && error.status === 412) {
        this.#showErrors(new Map([['form', ['Someone changed this target meanwhile: the list is reloaded; edit it again.']]]));
        this.context.refreshNow();
      } else {
        this.#showErrors(new Map([['form', [this.#refusal(error, 'saving')]]]));
      }
    }
  }

  async #toggle(target: ManagedTarget): Promise<void> {
    try {
      await this.context.api.updateManagedTarget(this.probeId, target.id, target.etag, { ...target, enabled: !target.enabled }, this.#controller.signal);
      setText(this.#status, `${target.enabled ? 'Disabled' : 'Enabled'} “${target.name}”.`);
    } catch (error) {
      setText(this.#status, this.#refusal(error, target.enabled ? 'disabling' : 'enabling'));
    }

    this.context.refreshNow();
  }

  async #delete(target: ManagedTarget): Promise<void> {
    try {
      await this.context.api.deleteManagedTarget(this.probeId, target.id, target.etag, this.#controller.signal);
      setText(this.#status, `Deleted “${target.name}”.`);
    } catch (error) {
      setText(this.#status, this.#refusal(error, 'deleting'));
    }

    this.context.refreshNow();
  }

  #edit(target: ManagedTarget): void {
    this.#editing = target;
    const values = valuesOf(target);
    for (const [name, input] of this.#inputs) {
      if (input.type === 'checkbox') {
        input.checked = values[name] === true;
      } else {
        input.value = String(values[name]);
      }
    }

    setText(this.#formTitle, `Edit “${target.name}”`);
    setText(this.#submit, 'Save');
    this.#cancel.hidden = false;
    this.#showErrors(new Map());
    this.#inputs.get('name')?.focus();
  }

  #reset(): void {
    this.#editing = null;
    for (const [name, input] of this.#inputs) {
      if (input.type === 'checkbox') {
        input.checked = name === 'enabled';
      } else {
        input.value = '';
      }
    }

    setText(this.#formTitle, 'Add a target');
    setText(this.#submit, 'Add target');
    this.#cancel.hidden = true;
    this.#showErrors(new Map());
  }

  #showErrors(errors: Map<FieldName | 'form', string[]>): void {
    for (const [name, element] of this.#errors) {
      const messages = errors.get(name);
      setText(element, messages ? `${name} ${messages.join('; ')}` : '');
      element.hidden = !messages;
      this.#inputs.get(name)?.setAttribute('aria-invalid', messages ? 'true' : 'false');
    }

    const general = errors.get('form');
    setText(this.#formError, general ? general.join('; ') : '');
    this.#formError.hidden = !general;
  }

  #refusal(error: unknown, doing: string): string {
    if (isForbidden(error)) {
      return `The API refused: ${doing} targets needs the Admin role.`;
    }

    if (error instanceof ApiError) {
      return `Not done: ${error.message}`;
    }

    return `Not done: the API did not answer ${doing}.`;
  }
}
