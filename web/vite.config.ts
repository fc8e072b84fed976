import { defineConfig } from 'vite';

// The server serves dist/ under a strict CSP (script-src 'self', style-src 'self'): nothing
// inline, so no inlined assets and no inline module-preload polyfill.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev` proxies the API to a running `pomost serve` (POMOST_URL, default :8080).
    proxy: { '/api': process.env.POMOST_URL ?? 'http://127.0.0.1:8080' },
  },
});
