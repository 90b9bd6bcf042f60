/**
 * Takes the screenshots in docs/images from a running server (`npm start`) in Debian's Chromium:
 *   npm run docs:screenshots [-- http://localhost:8080]
 */
import { chromium } from 'playwright-core'

const base = process.argv[2] ?? 'http://localhost:8080'
const out = new URL('../../docs/images/', import.meta.url)
const shots: [path: string, file: string, width: number, height: number][] = [
  ['/', 'start-page.png', 900, 520],
  ['/api/stops/XY-0001/sheet', 'sign-sheet.png', 794, 1123],
  ['/docs', 'api-docs.png', 1100, 900],
]

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
try {
  for (const [path, file, width, height] of shots) {
    const page = await browser.newPage({ viewport: { width, height } })
    await page.goto(`${base}${path}`, { waitUntil: 'networkidle' })
    await page.screenshot({ path: new URL(file, out).pathname })
    console.log(`${file} ← ${path}`)
    await page.close()
  }
} finally {
  await browser.close()
}
