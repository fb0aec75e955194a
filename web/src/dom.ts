// The only way the dashboard builds DOM. Text goes in as text nodes and attribute values through
// setAttribute, so a target called `<img src=x onerror=alert(1)>` shows as exactly those characters.
// Nothing here accepts markup; there is no innerHTML anywhere in src/.

export type Child = Node | string | number | null | undefined | false;

export interface Attributes {
  class?: string | undefined;
  href?: string | undefined;
  title?: string | undefined;
  [name: string]: string | number | boolean | undefined;
}

/** Creates an element. `on*` attributes are refused: handlers are added with addEventListener. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) {
      continue;
    }

    if (/^on/i.test(name)) {
      throw new Error(`h(): event handler attribute ${name} is not allowed; use addEventListener`);
    }

    if (name === 'href') {
      element.setAttribute(name, safeHref(String(value)));
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }

  append(element, ...children);
  return element;
}

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }

  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }

    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Sets an element's text only when it changed, so a refresh that changes nothing touches nothing. */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) {
    element.textContent = text;
  }
}

export function setAttr(element: Element, name: string, value: string | null): void {
  if (value === null) {
    if (element.hasAttribute(name)) {
      element.removeAttribute(name);
    }
  } else {
    const safe = name === 'href' ? safeHref(value) : value;
    if (element.getAttribute(name) !== safe) {
      element.setAttribute(name, safe);
    }
  }
}

export function setClass(element: Element, className: string): void {
  if (element.getAttribute('class') !== className) {
    element.setAttribute('class', className);
  }
}

/** Replaces a container's children, for content that is rebuilt as a whole (a table body of a report). */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/**
 * Lets through http(s) URLs, hash routes and relative paths; anything else (javascript:, data:, vbscript:)
 * becomes "#". Links are built from ids the API sends, so this is a second lock on the door.
 */
export function safeHref(href: string): string {
  const trimmed = href.trim();
  if (trimmed.startsWith('#') || trimmed.startsWith('/') || trimmed.startsWith('./') || trimmed.startsWith('?')) {
    return trimmed;
  }

  try {
    const url = new URL(trimmed);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : '#';
  } catch {
    return '#';
  }
}

/** An id from the API as a hash-route segment: ids are opaque, so they are always encoded. */
export function routeSegment(id: string): string {
  return encodeURIComponent(id);
}
