// Builds the web hall, mobile hall and kiosk into web/dist, which omnihall serves at / and /kiosk.
// `vite --config web/vite.config.ts` serves it for development, sending /api to omnihall on :8080.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/api': 'http://localhost:8080' },
  },
});
