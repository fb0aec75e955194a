// The target page's "Share…" (Admins): makes a read-only link to this target with an expiry, shows it to copy, and
// lists the target's links that still work, each with Revoke. The token is shown once, when the link is made.

import { ApiError, type ApiClient } from '../api.ts';
import { h, replaceChildren, setText } from '../dom.ts';
import { formatDateTime } from '../format.ts';
import { activeLinksOf, shareExpiries, shareUrl, type ShareLink } from '../shares.ts';

export class ShareDialog {
  readonly element: HTMLElement;
  readonly #open = h('button', { type: 'button', class: 'share-button' }, 'Share…');
  readonly #expiry = h('select', { 'aria-label': 'Link expires after' }, ...shareExpiries.map((e) => h('option', { value: e.value, selected: e.value === 'P7D' }, e.label)));
  readonly #note = h('input', { type: 'text', maxlength: 200, placeholder: 'Note for your list (e.g. ISP ticket)', 'aria-label': 'Note' });
  readonly #create = h('button', { type: 'button' }, 'Create link');
  readonly #link = h('input', { type: 'text', readonly: true, class: 'share-link', 'aria-label': 'Share link', hidden: true });
  readonly #copy = h('button', { type: 'button', hidden: true }, 'Copy');
  readonly #status = h('span', { class: 'share-status', role: 'status' });
  readonly #list = h('ul', { class: 'share-list' });
  readonly #panel: HTMLElement;

  constructor(
    private readonly api: ApiClient,
    private readonly targetId: string,
    private readonly pageUrl: () => string = () => window.location.href,
  ) {
    this.#panel = h(
      'div',
      { class: 'share-panel', hidden: true },
      h('p', {}, 'A read-only link to this target: whoever has it sees its status, chart and incidents, nothing else, without an account.'),
      h('p', {}, h('label', {}, 'Expires after ', this.#expiry), ' ', this.#note, ' ', this.#create),
      h('p', {}, this.#link, ' ', this.#copy, ' ', this.#status),
      h('h3', {}, 'Links that work now'),
      this.#list,
    );
    this.element = h('div', { class: 'share' }, this.#open, this.#panel);
    this.#open.addEventListener('click', () => {
      this.#panel.hidden = !this.#panel.hidden;
      if (!this.#panel.hidden) void this.#load();
    });
    this.#create.addEventListener('click', () => void this.#make());
    this.#copy.addEventListener('click', () => void this.#copyLink());
  }

  async #make(): Promise<void> {
    this.#create.disabled = true;
    setText(this.#status, 'Making the link…');
    try {
      const note = this.#note.value.trim();
      const link = await this.api.createShare({ scope: 'target', target: this.targetId, expiresIn: this.#expiry.value, ...(note ? { note } : {}) });
      this.#link.value = link.token ? shareUrl(this.pageUrl(), link.token) : '';
      this.#link.hidden = false;
      this.#copy.hidden = false;
      setText(this.#status, `Works until ${formatDateTime(link.expiresAt)}. It is shown only now: copy it.`);
      await this.#load();
    } catch (error) {
      setText(this.#status, describe(error, 'No link made'));
    } finally {
      this.#create.disabled = false;
    }
  }

  async #copyLink(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.#link.value);
      setText(this.#status, 'Copied.');
    } catch {
      this.#link.select();
      setText(this.#status, 'Select the link and copy it.');
    }
  }

  async #load(): Promise<void> {
    try {
      const { shares } = await this.api.shares();
      this.#render(activeLinksOf(shares, this.targetId));
    } catch (error) {
      replaceChildren(this.#list, h('li', { class: 'error' }, describe(error, 'The links could not be listed')));
    }
  }

  #render(links: ShareLink[]): void {
    if (links.length === 0) {
      replaceChildren(this.#list, h('li', { class: 'empty' }, 'None.'));
      return;
    }

    replaceChildren(
      this.#list,
      ...links.map((link) => {
        const revoke = h('button', { type: 'button', class: 'share-revoke' }, 'Revoke');
        revoke.addEventListener('click', () => {
          revoke.disabled = true;
          this.api.revokeShare(link.id).then(
            () => this.#load(),
            (error: unknown) => {
              revoke.disabled = false;
              setText(this.#status, describe(error, 'Not revoked'));
            },
          );
        });
        return h('li', {}, `until ${formatDateTime(link.expiresAt)} · by ${link.createdBy}${link.note ? ` · ${link.note}` : ''} `, revoke);
      }),
    );
  }
}

function describe(error: unknown, what: string): string {
  if (error instanceof ApiError) {
    return error.status === 403 ? `${what}: share links need the Admin role.` : `${what}: ${error.message}`;
  }

  return `${what}: the API did not answer.`;
}
