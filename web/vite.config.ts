// Vite builds the dashboard into web/dist, which the gateway serves at `/`; `npm run dev` serves it with hot reload
// and sends /api to a running gateway (SHUTTLE_URL, default http://localhost:8080).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const gateway = process.env.SHUTTLE_URL ?? 'http://localhost:8080';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 600 },
  server: { port: 5173, proxy: { '/api': { target: gateway, changeOrigin: true } } },
  preview: { port: 4173, proxy: { '/api': { target: gateway, changeOrigin: true } } },
});
