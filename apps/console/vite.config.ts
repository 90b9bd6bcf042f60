import { defineConfig } from 'vite'

// `npm run dev -w @rb/console` serves the console with hot reload against a server on :8080.
const server = process.env.RB_SERVER ?? 'http://localhost:8080'

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // maplibre-gl alone is ~800 KB minified (~220 KB gzip); it is its own chunk, cached across releases.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'maplibre', test: /node_modules[\\/]maplibre-gl/ },
            { name: 'vendor', test: /node_modules/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': server,
      '/about': server,
      '/socket.io': { target: server, ws: true },
    },
  },
})
