import { defineConfig } from 'vite';

// Preact through the automatic JSX runtime; no Babel, no React compat layer.
export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 200 },
  server: {
    host: '127.0.0.1',
    // `SIGHTLINE_API=http://127.0.0.1:4400 npx vite` develops against a running `sightline up`.
    proxy: { '/api': process.env.SIGHTLINE_API ?? 'http://127.0.0.1:4400' },
  },
});
