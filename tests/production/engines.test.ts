/**
 * Every package in the lockfile runs on the Node.js versions the project says it runs on: the lowest
 * of its declared range (package.json `engines`, what `npm ci` checks with engine-strict) and the
 * LTS line the production image is built on (infra/Dockerfile). A dependency bump that needs a newer
 * Node fails here, naming the package and who pulls it in, before it reaches an install.
 */
import { readFileSync } from 'node:fs'
import semver from 'semver'
import { describe, expect, it } from 'vitest'

const ROOT = new URL('../../', import.meta.url)
const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8')

interface LockEntry {
  version?: string
  engines?: { node?: string } | string[]
  /** Platform packages (sharp's, rolldown's …): npm installs them only where they match. */
  os?: string[]
}
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, LockEntry> }
const declared = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node
const lowest = semver.minVersion(declared)?.version
const imageMajor = /^FROM node:(\d+)-/m.exec(read('infra/Dockerfile'))?.[1]

/** Linux is where the project runs (this machine, the image); npm skips the other platforms' packages. */
const installedOnLinux = (entry: LockEntry): boolean =>
  !entry.os || entry.os.some((os) => os === 'linux' || (os.startsWith('!') && os !== '!linux'))

/** Packages whose `engines.node` does not admit `version` (name@version: range). */
function refusing(version: string): string[] {
  return Object.entries(lock.packages).flatMap(([path, entry]) => {
    const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node
    if (!path || !range || !installedOnLinux(entry) || semver.satisfies(version, range)) return []
    return [`${path.replace(/^.*node_modules\//, '')}@${entry.version ?? '?'} needs node ${range} (${path})`]
  })
}

describe('Node.js versions', () => {
  it('the declared range, the .npmrc and the production image agree', () => {
    expect(lowest, `engines.node "${declared}" has a lowest version`).toBeDefined()
    expect(imageMajor, 'infra/Dockerfile builds FROM node:<major>-…').toBeDefined()
    expect(semver.satisfies(`${imageMajor}.0.0`, declared), `node ${imageMajor} is in "${declared}"`).toBe(true)
    // An engine mismatch stops `npm ci` instead of scrolling past as a warning.
    expect(read('.npmrc')).toMatch(/^engine-strict=true$/m)
  })

  it('every dependency runs on the lowest declared version', () => {
    expect(refusing(lowest as string)).toEqual([])
  })

  it('every dependency runs on the LTS line the image uses', () => {
    expect(refusing(`${imageMajor}.0.0`)).toEqual([])
  })
})
