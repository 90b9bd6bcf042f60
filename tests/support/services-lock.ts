/**
 * One test file at a time uses the shared broker. Every server started against TEST_MQTT_URL
 * subscribes to every vehicle's uplink topics, so two such servers from test files running side
 * by side would each ingest the other's buses (the demo county's XY-V001 of both, say). Test
 * files run two at a time; the part of a file that runs against the real services holds this
 * lock — a PostgreSQL advisory lock, in a transaction of its own kept open meanwhile — and the
 * other file's part waits for it. Within one test process the lock is re-entrant (a file may
 * run two servers at once).
 */
import { createPgDb } from '@rb/db'

/** Any constant: the same in every test process. */
const LOCK_KEY = 724_717

let held: { count: number; release: () => void; closed: Promise<void> } | undefined
let acquiring: Promise<void> | undefined

async function acquire(url: string): Promise<void> {
  const db = createPgDb({ url, maxConnections: 1 })
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  let locked!: () => void
  const gotLock = new Promise<void>((resolve) => (locked = resolve))
  // Waits as long as the other file's part needs: its servers close when its tests end.
  const tx = db.transaction(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY])
    locked()
    await released
  })
  const closed = tx.then(
    () => db.close(),
    () => db.close(),
  )
  await Promise.race([gotLock, tx])
  held = { count: 1, release, closed }
}

/** Takes the lock when TEST_DATABASE_URL is set (else there are no shared services); resolves to its release. */
export async function lockSharedServices(env: NodeJS.ProcessEnv = process.env): Promise<() => Promise<void>> {
  const url = env.TEST_DATABASE_URL
  if (!url) return async () => {}
  while (acquiring) await acquiring
  if (held) held.count++
  else {
    acquiring = acquire(url)
    try {
      await acquiring
    } finally {
      acquiring = undefined
    }
  }
  let done = false
  return async () => {
    if (done || !held) return
    done = true
    if (--held.count > 0) return
    const { release, closed } = held
    held = undefined
    // Ending the transaction releases the lock; closing its pool ends the session.
    release()
    await closed
  }
}

const hostPort = (url: string): string => {
  const u = new URL(url)
  return `${u.hostname}:${u.port || '1883'}`
}

/** Whether a server with this environment subscribes on the shared broker (TEST_MQTT_URL). */
export function usesSharedBroker(
  serverEnv: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return Boolean(
    serverEnv.MQTT_URL && env.TEST_MQTT_URL && hostPort(serverEnv.MQTT_URL) === hostPort(env.TEST_MQTT_URL),
  )
}
