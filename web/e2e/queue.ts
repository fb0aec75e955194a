// Just enough of the Azure Queue REST API to create queues and put messages on Azurite, signed with
// Shared Key like every Azure SDK does, so the test needs no storage SDK among its npm dependencies.
// https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key

import { createHmac } from 'node:crypto';

const apiVersion = '2021-12-02';

export class QueueRest {
  constructor(
    /** e.g. http://127.0.0.1:10001/devstoreaccount1 (Azurite's path-style endpoint). */
    private readonly endpoint: string,
    private readonly account: string,
    private readonly key: string,
  ) {}

  /** Creates the queue; an existing one is fine. */
  async create(queue: string): Promise<void> {
    const response = await this.#send('PUT', `/${queue}`, '');
    if (response.status !== 201 && response.status !== 204 && response.status !== 409) {
      throw new Error(`creating queue ${queue}: ${response.status} ${await response.text()}`);
    }
  }

  /** Puts one message whose text is already what the reader expects (Base64 for the Functions trigger). */
  async put(queue: string, messageText: string): Promise<void> {
    const body = `<?xml version="1.0" encoding="utf-8"?><QueueMessage><MessageText>${messageText}</MessageText></QueueMessage>`;
    const response = await this.#send('POST', `/${queue}/messages`, body, 'application/xml');
    if (response.status !== 201) {
      throw new Error(`putting a message on ${queue}: ${response.status} ${await response.text()}`);
    }
  }

  /** Messages waiting in the queue (approximate, as Azure counts them). */
  async count(queue: string): Promise<number> {
    const response = await this.#send('GET', `/${queue}`, '', undefined, { comp: 'metadata' });
    if (!response.ok) {
      throw new Error(`reading ${queue}'s metadata: ${response.status}`);
    }

    return Number(response.headers.get('x-ms-approximate-messages-count') ?? 'NaN');
  }

  async #send(method: string, path: string, body: string, contentType = '', query: Record<string, string> = {}): Promise<Response> {
    const url = new URL(this.endpoint + path);
    for (const [name, value] of Object.entries(query)) {
      url.searchParams.set(name, value);
    }

    const length = Buffer.byteLength(body);
    const headers: Record<string, string> = {
      'x-ms-date': new Date().toUTCString(),
      'x-ms-version': apiVersion,
    };
    if (contentType) {
      headers['content-type'] = contentType;
    }

    const canonicalHeaders = Object.keys(headers)
      .filter((name) => name.startsWith('x-ms-'))
      .sort()
      .map((name) => `${name}:${headers[name]}\n`)
      .join('');
    // Path-style endpoints (Azurite) repeat the account name: /account + /account/queue/...
    const canonicalResource =
      `/${this.account}${url.pathname}` +
      [...url.searchParams.keys()]
        .sort()
        .map((name) => `\n${name.toLowerCase()}:${url.searchParams.get(name)}`)
        .join('');
    const stringToSign = [
      method,
      '', // Content-Encoding
      '', // Content-Language
      length > 0 ? String(length) : '',
      '', // Content-MD5
      contentType,
      '', // Date (x-ms-date is used)
      '', // If-Modified-Since
      '', // If-Match
      '', // If-None-Match
      '', // If-Unmodified-Since
      '', // Range
    ].join('\n') + `\n${canonicalHeaders}${canonicalResource}`;
    const signature = createHmac('sha256', Buffer.from(this.key, 'base64')).update(stringToSign, 'utf8').digest('base64');

    return fetch(url, {
      method,
      headers: { ...headers, authorization: `SharedKey ${this.account}:${signature}` },
      ...(length > 0 ? { body } : {}),
    });
  }
}
