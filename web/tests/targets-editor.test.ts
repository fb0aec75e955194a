// @vitest-environment happy-dom
// The targets editor's pieces: form values to request and back, the API's 400 by field and an import's report, the
// routes, and the view with a fake client (hostile names as text, problems next to their fields, Reader sees no buttons).

import { describe, expect, it } from 'vitest';
import { ApiError, type ApiClient, type ManagedTarget, type ManagedTargetFields, type ManagedTargetList } from '../src/api.ts';
import { parseRoute, routeHref } from '../src/router.ts';
import type { ViewContext } from '../src/views/context.ts';
import { errorsByField, fieldsOf, formatOf, importReportLines, TargetsEditorView, valuesOf } from '../src/views/targets-editor.ts';

const hostile = '<img src=x onerror=alert(1)> lab';

function target(overrides: Partial<ManagedTarget> = {}): ManagedTarget {
  return {
    id: 'p1~Z3c',
    etag: 'W/"1"',
    name: 'gw',
    host: '192.168.1.1',
    category: null,
    description: null,
    uplink: false,
    intervalMs: 1000,
    latencyThresholdMs: null,
    lossThresholdPercent: null,
    enabled: true,
    timeoutMs: null,
    ...overrides,
  };
}

function list(targets: ManagedTarget[]): ManagedTargetList {
  return { probeId: 'p1', managed: true, version: 'v1', maxTargets: 500, targets };
}

function context(api: Partial<ApiClient>, canWrite = true): ViewContext {
  const base = { managedTargetsExportUrl: (probe: string, format: string) => `http://api/probes/${probe}/targets/export?format=${format}` };
  return { api: { ...base, ...api } as unknown as ApiClient, now: () => new Date(), refreshNow: () => {}, canWrite };
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('form values', () => {
  it('turns empty numbers into null and keeps text as typed', () => {
    const fields = fieldsOf({ ...valuesOf(target()), intervalMs: '', timeoutMs: '800', category: '', name: hostile });
    expect(fields).toEqual({
      name: hostile,
      host: '192.168.1.1',
      category: null,
      description: null,
      uplink: false,
      intervalMs: null,
      latencyThresholdMs: null,
      lossThresholdPercent: null,
      enabled: true,
      timeoutMs: 800,
    });
  });

  it('round-trips a stored target', () => {
    const stored: ManagedTargetFields = { ...target({ category: 'lan', lossThresholdPercent: 2.5, uplink: true, enabled: false }) };
    const { id: _id, etag: _etag, ...fields } = stored as ManagedTarget;
    expect(fieldsOf(valuesOf(fields))).toEqual(fields);
  });
});

describe('problems', () => {
  it('puts each field problem under its field and the rest under the form', () => {
    const errors = errorsByField({ status: 400, parameter: 'name', detail: 'x', errors: { name: ['must not be empty'], host: ['bad', 'worse'], body: ['not JSON'] } });
    expect(errors.get('name')).toEqual(['must not be empty']);
    expect(errors.get('host')).toEqual(['bad', 'worse']);
    expect(errors.get('form')).toEqual(['not JSON']);
    expect(errorsByField({ parameter: 'probe', detail: 'no probe' }).get('form')).toEqual(['no probe']);
  });

  it('lists an import report row by row', () => {
    expect(importReportLines({ rows: [{ row: 3, field: 'host', problem: 'is wrong' }, { row: null, field: 'targets', problem: 'too many' }] })).toEqual([
      'row 3, host: is wrong',
      'file, targets: too many',
    ]);
    expect(importReportLines({ detail: 'the body is not JSON' })).toEqual(['the body is not JSON']);
    expect([formatOf('t.json', ''), formatOf('t.CSV', 'text/csv'), formatOf('x', 'application/json')]).toEqual(['json', 'csv', 'json']);
  });
});

describe('routes', () => {
  it('parses and writes the editor and picker routes', () => {
    expect(parseRoute('#/probes/home-1/targets')).toEqual({ page: 'manageTargets', probe: 'home-1' });
    expect(parseRoute('#/manage-targets')).toEqual({ page: 'manageTargets', probe: null });
    expect(parseRoute('#/probes/home-1')).toEqual({ page: 'notFound', hash: '#/probes/home-1' });
    expect(routeHref({ page: 'manageTargets', probe: 'home-1' })).toBe('#/probes/home-1/targets');
  });
});

describe('TargetsEditorView', () => {
  it('shows a hostile name as text and hides the write buttons from a Reader', () => {
    const admin = new TargetsEditorView(context({}), 'p1');
    const reader = new TargetsEditorView(context({}, false), 'p1');
    admin.show(list([target({ name: hostile })]));
    reader.show(list([target({ name: hostile })]));

    expect(admin.element.querySelector('td.target-name')?.textContent).toBe(hostile);
    expect(admin.element.querySelector('td.target-name img')).toBeNull();
    expect(admin.element.querySelectorAll('button.delete-target')).toHaveLength(1);
    expect(admin.element.querySelector('form.target-form')).not.toBeNull();
    expect(reader.element.querySelector('button.delete-target')).toBeNull();
    expect(reader.element.querySelector('form.target-form')).toBeNull();
    expect(reader.element.querySelector('.import-targets')).toBeNull();
  });

  it('shows the API 400 next to the fields it names and clears them once saved', async () => {
    const sent: ManagedTargetFields[] = [];
    let refuse = true;
    const api = {
      addManagedTarget: (_probe: string, fields: ManagedTargetFields) => {
        sent.push(fields);
        return refuse
          ? Promise.reject(new ApiError('u', 400, { status: 400, parameter: 'host', detail: 'x', errors: { host: ["'nope' is not an IPv4 or IPv6 address or a DNS name"], intervalMs: ['is missing'] } }, 'POST'))
          : Promise.resolve(target({ name: fields.name }));
      },
    };
    const view = new TargetsEditorView(context(api), 'p1');
    document.body.append(view.element);
    const input = (name: string): HTMLInputElement => view.element.querySelector<HTMLInputElement>(`#target-${name}`)!;
    const error = (name: string): HTMLElement => view.element.querySelector<HTMLElement>(`#target-${name}-error`)!;
    input('name').value = hostile;
    input('host').value = 'nope';

    view.element.querySelector<HTMLFormElement>('form.target-form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();

    expect(sent[0]).toMatchObject({ name: hostile, host: 'nope', intervalMs: null, enabled: true });
    expect(error('host').hidden).toBe(false);
    expect(error('host').textContent).toContain('is not an IPv4 or IPv6 address');
    expect(error('intervalMs').textContent).toBe('intervalMs is missing');
    expect(error('name').hidden).toBe(true);
    expect(input('host').getAttribute('aria-invalid')).toBe('true');

    refuse = false;
    input('host').value = '192.168.1.1';
    input('intervalMs').value = '1000';
    view.element.querySelector<HTMLFormElement>('form.target-form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();

    expect(error('host').hidden).toBe(true);
    expect(input('name').value).toBe('');
    expect(view.element.querySelector('.editor-status')?.textContent).toBe(`Added “${hostile}”.`);
    view.element.remove();
  });

  it('disables a target with its etag, as a PUT of the whole target', async () => {
    const puts: { id: string; etag: string; fields: ManagedTargetFields }[] = [];
    const api = {
      updateManagedTarget: (_probe: string, id: string, etag: string, fields: ManagedTargetFields) => {
        puts.push({ id, etag, fields });
        return Promise.resolve(target({ enabled: false }));
      },
    };
    const view = new TargetsEditorView(context(api), 'p1');
    view.show(list([target()]));

    view.element.querySelector<HTMLButtonElement>('button.toggle-target')!.click();
    await flush();

    expect(puts).toEqual([{ id: 'p1~Z3c', etag: 'W/"1"', fields: expect.objectContaining({ name: 'gw', enabled: false }) }]);
  });
});
