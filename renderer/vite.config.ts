// Vite build of the workbench UI. Plotly is imported dynamically (components/charts/plotlyBundle.ts),
// so it lands in a chunk of its own that loads with the first chart.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 5000,
    // Build-speed notes from the bundler are noise on stderr of `npm run serve` and the tests.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
