// Text from the API reaches the page only through dom.ts (text nodes, setAttribute). This keeps it so:
// no source file may use an API that parses a string as HTML or code.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(`${dir}/${entry.name}`) : entry.name.endsWith('.ts') ? [`${dir}/${entry.name}`] : [],
  );
}

const sinks = [/\.innerHTML\b/, /\.outerHTML\b/, /insertAdjacentHTML/, /document\.write/, /\beval\(/, /new Function\(/, /createContextualFragment/, /DOMParser/];

describe('src/', () => {
  it.each(sources(srcDir).map((path) => [path.slice(srcDir.length + 1), path]))('%s uses no HTML or code sink', (_name, path) => {
    const code = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => !line.trim().startsWith('//'))
      .join('\n');
    for (const sink of sinks) {
      expect(code, `${sink}`).not.toMatch(sink);
    }
  });
});
