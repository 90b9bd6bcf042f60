import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { defineConfig, type Plugin } from 'vite'

/** .br and .gz beside each script and stylesheet: the server sends them as they are (cheap phones, weak 3G). */
function precompress(): Plugin {
  return {
    name: 'rb-driver-precompress',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (!/\.(js|css)$/.test(file.fileName)) continue
        const body = Buffer.from(file.type === 'chunk' ? file.code : file.source)
        this.emitFile({ type: 'asset', fileName: `${file.fileName}.gz`, source: gzipSync(body, { level: 9 }) })
        this.emitFile({
          type: 'asset',
          fileName: `${file.fileName}.br`,
          source: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        })
      }
    },
  }
}

const server = process.env.RB_SERVER ?? 'http://localhost:8080'

export default defineConfig({
  root: import.meta.dirname,
  base: '/driver/',
  publicDir: false,
  plugins: [precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Old Android phones and the WeChat browser.
    target: ['es2017', 'chrome61', 'safari11'],
    modulePreload: false,
    sourcemap: false,
  },
  server: {
    // `npm run dev -w @rb/driver` against a server on :8080.
    proxy: { '/api': server, '/socket.io': { target: server, ws: true } },
  },
})
