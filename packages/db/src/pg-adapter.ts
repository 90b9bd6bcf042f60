import pg from 'pg'
import type { Db, Queryable, QueryResult } from './port.js'

export interface PgOptions {
  url: string
  /** Schema to use as search_path (tests give each file its own). */
  schema?: string
  maxConnections?: number
}

// Send timestamps back as Date (default), bigint/count as number: ids and counts here fit in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v))

/** node-postgres Pool behind the database port. */
export function createPgDb(opts: PgOptions): Db {
  if (opts.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(opts.schema))
    throw new Error(`invalid schema name ${opts.schema}`)
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  })
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => {})

  const run = async <R>(
    q: Queryable | pg.Pool | pg.PoolClient,
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>> => {
    const r = await (q as pg.Pool).query(sql, params as unknown[] | undefined)
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 }
  }

  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async transaction(fn) {
      const client = await pool.connect()
      let broken: Error | undefined
      try {
        await client.query('BEGIN')
        const tx: Queryable = { query: (sql, params) => run(client, sql, params) }
        const out = await fn(tx)
        await client.query('COMMIT')
        return out
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e))
        throw err
      } finally {
        // A connection that cannot roll back is dead: destroy it rather than return it to the pool.
        client.release(broken)
      }
    },
    close: () => pool.end(),
  }
}
