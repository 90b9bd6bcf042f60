import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
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
          const link = new RegExp(
            `<link rel="stylesheet"[^>]*href="[^"]*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>`,
          )
          if (!link.test(text)) continue
          text = text.replace(link, () => `<style>${String(file.source)}</style>`)
          delete bundle[name]
        }
        html.source = text
      }
    },
    // From the files as written: Vite finishes a chunk that imports another (its preload helper)
    // after the plugins' generateBundle, so compressing there would send an unfinished script.
    writeBundle(options, bundle) {
      const dir = options.dir ?? join(import.meta.dirname, 'dist')
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|css|svg)$/.test(name)) continue
        const body = readFileSync(join(dir, name))
        writeFileSync(join(dir, `${name}.gz`), gzipSync(body, { level: 9 }))
        writeFileSync(
          join(dir, `${name}.br`),
          brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        )
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
