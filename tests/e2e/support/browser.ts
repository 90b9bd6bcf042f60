/**
 * Real Chromium for end-to-end tests: Debian's package at /usr/bin/chromium (CHROMIUM overrides),
 * driven by playwright-core; never a downloaded browser.
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Whether this machine can run the end-to-end tests; CI (CI=true) must. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true
  if (process.env.CI === 'true')
    throw new Error(`end-to-end tests need Chromium at ${CHROMIUM} (apt-get install chromium); .ci/run installs it`)
  console.warn(`end-to-end tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium fonts-noto-cjk)`)
  return false
}

/** `extraArgs`: more Chromium switches (the SOS test makes the autoplay policy strict with one). */
export async function launch(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] })
}

/** Collects the page's console errors and failed requests (a test asserts there are none). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`)
  })
  page.on('requestfailed', (req) => {
    if (!req.failure()?.errorText.includes('ERR_ABORTED'))
      errors.push(`request failed: ${req.url()} ${req.failure()?.errorText}`)
  })
  return errors
}

/**
 * Signs in through the sign-in page and waits for the console's map to load. `lang` is the
 * language this browser last used (the console's own switch; an account that saved a choice gets
 * that instead); the console's default is Chinese.
 */
export async function signIn(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
  hash = '#/live',
  lang: 'zh' | 'en' = 'en',
): Promise<void> {
  await page.goto(`${baseUrl}/${hash}`)
  await page.evaluate(
    (l) =>
      (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(
        'rb.console.lang',
        l,
      ),
    lang,
  )
  await page.reload()
  await page.fill('input[name=username]', username)
  await page.fill('input[name=password]', password)
  await page.click('form.sign-in button[type=submit]')
  await waitForConsole(page)
}

/** Waits until the shell has started and the map has drawn its network. */
export async function waitForConsole(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const c = (
        globalThis as unknown as { rbConsole?: { map: { map: { loaded(): boolean; getSource(id: string): unknown } } } }
      ).rbConsole
      return !!c && c.map.map.getSource('vehicles') !== undefined
    },
    null,
    { timeout: 30_000 },
  )
}
