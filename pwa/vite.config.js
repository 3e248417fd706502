import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// Preact via the automatic JSX runtime (no Babel preset needed); the service worker is built by
// vite-plugin-pwa in injectManifest mode so it is our own code plus Workbox's precache list.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2020', modulePreload: { polyfill: false } },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.js',
      injectRegister: false,
      // The outcomes screen (and its chart library) is fetched when a team lead opens it: no nurse's phone
      // precaches it.
      injectManifest: { globPatterns: ['**/*.{js,css,html,png,webmanifest}'], globIgnores: ['**/dashboard-*'] },
      manifest: {
        name: 'Wijkspoed',
        short_name: 'Wijkspoed',
        description: 'Acute wijkverpleging: oproepen, bezoeken en overdracht',
        lang: 'nl',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any', // a phone in a car holder is in landscape
        background_color: '#10171a',
        theme_color: '#0b5e6b',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
});
