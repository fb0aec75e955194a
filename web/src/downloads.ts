// With sign-in, a plain download link cannot carry the bearer token. A click on a download link (a.download,
// pointing into the API) is taken over: the file is fetched with the token and saved from a blob: URL.
// With an open API the links stay plain links.

import { ApiError, isAbort, type ApiClient } from './api.ts';

export function interceptDownloads(container: HTMLElement, api: ApiClient, onError: (message: string) => void): void {
  container.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest<HTMLAnchorElement>('a.download') : null;
    const href = link?.href;
    if (!link || !href || !href.startsWith(`${api.baseUrl}/`) || event.defaultPrevented) {
      return;
    }

    event.preventDefault();
    link.setAttribute('aria-busy', 'true');
    api
      .download(href)
      .then(({ blob, fileName }) => save(blob, fileName ?? (link.getAttribute('download') || fallbackName(href))))
      .catch((error: unknown) => {
        // 401 and 403 have already replaced the page (the client's onRefused).
        if (!(error instanceof ApiError && (error.status === 401 || error.status === 403)) && !isAbort(error)) {
          onError(`The download failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      })
      .finally(() => link.removeAttribute('aria-busy'));
  });
}

function save(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The browser has taken the file by the next tasks; a minute is ample.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function fallbackName(href: string): string {
  const url = new URL(href);
  const format = url.searchParams.get('format') ?? 'json';
  return `netpulse-${url.pathname.split('/').filter(Boolean).slice(-1)[0] ?? 'download'}.${format}`;
}
