// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { h, safeHref, setAttr, setText } from '../src/dom.ts';
import { hostileName } from './fixtures.ts';

describe('h', () => {
  it('puts hostile text in as text: the characters show, no element is made', () => {
    const element = h('div', { title: hostileName }, hostileName, h('span', {}, hostileName));

    expect(element.textContent).toBe(hostileName + hostileName);
    expect(element.querySelector('img')).toBeNull();
    expect(element.getAttribute('title')).toBe(hostileName);
    expect(element.innerHTML).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('refuses event-handler attributes', () => {
    expect(() => h('div', { onclick: 'alert(1)' })).toThrow(/not allowed/);
    expect(() => h('div', { OnError: 'alert(1)' })).toThrow(/not allowed/);
  });

  it('skips undefined and false attributes and children', () => {
    const element = h('a', { title: undefined, hidden: false, download: true }, null, undefined, false, 0);

    expect(element.hasAttribute('title')).toBe(false);
    expect(element.hasAttribute('hidden')).toBe(false);
    expect(element.getAttribute('download')).toBe('');
    expect(element.textContent).toBe('0');
  });

  it('neutralises script URLs in href', () => {
    expect(h('a', { href: 'javascript:alert(1)' }).getAttribute('href')).toBe('#');
  });
});

describe('safeHref', () => {
  it.each([
    ['#/target/x', '#/target/x'],
    ['/api/export?x=1', '/api/export?x=1'],
    ['https://api.example.net/api/export', 'https://api.example.net/api/export'],
    ['javascript:alert(1)', '#'],
    [' JavaScript:alert(1)', '#'],
    ['data:text/html,<script>alert(1)</script>', '#'],
    ['vbscript:x', '#'],
    ['not a url', '#'],
  ])('%s -> %s', (input, output) => {
    expect(safeHref(input)).toBe(output);
  });
});

describe('setText and setAttr', () => {
  it('leave the node alone when nothing changed', () => {
    const element = h('p', {}, 'same');
    const textNode = element.firstChild;

    setText(element, 'same');
    setAttr(element, 'title', null);

    expect(element.firstChild).toBe(textNode);
  });

  it('change text and attributes when they differ', () => {
    const element = h('a', {}, 'old');

    setText(element, hostileName);
    setAttr(element, 'href', 'javascript:alert(1)');

    expect(element.textContent).toBe(hostileName);
    expect(element.children).toHaveLength(0);
    expect(element.getAttribute('href')).toBe('#');
  });
});
