// Builds the two apps into web/dist: the hall (web hall, mobile hall and kiosk; dist/hall/index.html,
// served at / and /kiosk) and the staff console (dist/console/index.html, served at /console).
// Both share web/shared and one dist/assets, each with its own entry and first-load bundle.
// `vite --config web/vite.config.ts` serves both for development, sending /api to omnihall on :8080.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

/** In development, an app path (`/bills`, `/console/offerings/7`) gets its app's index.html, as the server does. */
function appPaths(): Plugin {
  return {
    name: 'omnihall-app-paths',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        const page = (req.headers.accept ?? '').includes('text/html') && !/\.[a-z0-9]+$/i.test(path) && !path.startsWith('/api');
        if (page) req.url = /^\/console(\/|$)/.test(path) ? '/console/index.html' : '/hall/index.html';
        next();
      });
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), appPaths()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    // antd's share of the console is large by nature; the size test holds each app to its budget.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: {
        hall: fileURLToPath(new URL('./hall/index.html', import.meta.url)),
        console: fileURLToPath(new URL('./console/index.html', import.meta.url)),
      },
    },
  },
  server: {
    proxy: { '/api': 'http://localhost:8080' },
  },
});
