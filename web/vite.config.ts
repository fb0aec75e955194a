/// <reference types="vitest/config" />
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
