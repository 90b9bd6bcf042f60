/** Helpers of the villager page's end-to-end tests: screenshots for the docs, network set up through the API. */
import { mkdirSync } from 'node:fs'
import type { Page } from 'playwright-core'
import type { TestServer } from '../../support/server.js'

/** DOC_SCREENSHOTS=1 writes into docs/images, else test-results/villager. */
const SHOTS =
  process.env.DOC_SCREENSHOTS === '1'
    ? new URL('../../../docs/images/', import.meta.url)
    : new URL('../../../test-results/villager/', import.meta.url)

/** Saves `villager-<name>.png`. */
export async function villagerShot(p: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SHOTS, { recursive: true })
  await p.screenshot({ path: new URL(`villager-${name}.png`, SHOTS).pathname, fullPage })
}

/** A write as the admin that must succeed (the answer's body, e.g. a new stop's `code`). */
export async function apiPut(
  server: TestServer,
  path: string,
  body: unknown,
  method = 'PUT',
): Promise<{ code?: string }> {
  const r = await server.apiJson<{ code?: string }>(method, path, body)
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}
