/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { staticWebApp } from './scripts/static-web-app.ts';

export default defineConfig({
  // Relative asset paths: the built site works from any folder or host, and config.json is found next to index.html.
  base: './',
  plugins: [staticWebApp()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    rolldownOptions: {
      // redirect.html is where Microsoft Entra ID sends the browser back (MSAL's redirect bridge).
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        redirect: fileURLToPath(new URL('redirect.html', import.meta.url)),
      },
    },
  },
  preview: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
  },
});
