import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { defineConfig, type Plugin } from 'vite'

/**
 * The page is served at /s/<code> with its markup rendered by the server, so the first paint needs
 * one request only: the stylesheet is inlined into index.html, and the script (deferred, cached
 * for a year under its hashed name) takes over when it arrives. Assets get .br/.gz siblings so the
 * server sends them compressed without compressing per request.
 */
function inlineCssAndPrecompress(): Plugin {
  return {
    name: 'rb-inline-css-precompress',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = Object.values(bundle).find((f) => f.type === 'asset' && f.fileName === 'index.html')
      if (html?.type === 'asset') {
        let text = String(html.source)
        for (const [name, file] of Object.entries(bundle)) {
          if (file.type !== 'asset' || !name.endsWith('.css')) continue
          const link = new RegExp(`<link rel="stylesheet"[^>]*href="[^"]*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>`)
          if (!link.test(text)) continue
          text = text.replace(link, () => `<style>${String(file.source)}</style>`)
          delete bundle[name]
        }
        html.source = text
      }
      for (const file of Object.values(bundle)) {
        if (!/\.(js|css|svg)$/.test(file.fileName)) continue
        const body = Buffer.from(file.type === 'chunk' ? file.code : file.source)
        this.emitFile({ type: 'asset', fileName: `${file.fileName}.gz`, source: gzipSync(body, { level: 9 }) })
        this.emitFile({ type: 'asset', fileName: `${file.fileName}.br`, source: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }) })
      }
    },
  }
}

export default defineConfig({
  root: import.meta.dirname,
  base: '/s/',
  publicDir: false,
  plugins: [inlineCssAndPrecompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Cheap phones and the WeChat browser: module scripts need Chrome 61 / Safari 11 anyway.
    target: ['es2017', 'chrome61', 'safari11'],
    modulePreload: false,
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev -w @rb/villager` against a server on :8080 (the page then renders in the browser only).
    proxy: { '/api': 'http://localhost:8080', '/socket.io': { target: 'ws://localhost:8080', ws: true } },
  },
})
