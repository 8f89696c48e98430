/**
 * `npm run build:harness`: harness-dist/studio.js, learner.js (self-contained IIFE bundles, so
 * a plain <script> loads them) and harness.css (Paragon's CSS and the harness's).
 */
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(here, '..', 'harness-dist');

fs.rmSync(outDir, { recursive: true, force: true });

for (const name of ['studio', 'learner']) {
  // eslint-disable-next-line no-await-in-loop
  await build({
    configFile: false,
    root: here,
    logLevel: 'warn',
    // Asset URLs inside the CSS (fonts) relative to it, wherever the sandbox serves the files.
    base: './',
    plugins: [react()],
    resolve: {
      alias: { 'env.config': path.resolve(here, 'envConfigStub.js') },
      dedupe: ['react', 'react-dom', 'react-intl', 'react-router-dom'],
    },
    define: {
      'process.env.NODE_ENV': JSON.stringify('production'),
      'process.env': JSON.stringify({ NODE_ENV: 'production' }),
      global: 'globalThis',
    },
    build: {
      outDir,
      emptyOutDir: false,
      sourcemap: false,
      cssCodeSplit: false,
      chunkSizeWarningLimit: 10000,
      rollupOptions: {
        input: path.resolve(here, `${name}.jsx`),
        output: {
          format: 'iife',
          inlineDynamicImports: true,
          entryFileNames: `${name}.js`,
          assetFileNames: (asset) => (asset.name && asset.name.endsWith('.css') ? 'harness.css' : 'assets/[name]-[hash][extname]'),
        },
      },
    },
  });
}
console.log(`harness built in ${path.relative(process.cwd(), outDir)}: ${fs.readdirSync(outDir).join(', ')}`);
