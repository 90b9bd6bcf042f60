/**
 * The one database port (docs/design.md §1): `query` and `transaction`, nothing else.
 * Two adapters implement it: node-postgres (production) and embedded PGlite in a worker thread.
 */
export interface QueryResult<R> {
  rows: R[]
  /** Rows affected by INSERT/UPDATE/DELETE (0 for SELECT on some drivers). */
  rowCount: number
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>
}

export type DbKind = 'embedded' | 'postgres'

export interface Db extends Queryable {
  readonly kind: DbKind
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** A database error with its SQLSTATE (`23505` unique violation, `08006` connection failure …). */
export class DbError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly detail?: string,
    readonly constraint?: string,
  ) {
    super(message)
    this.name = 'DbError'
  }
}

export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '23505'
}

/**
 * Failures worth retrying as they are: the connection or the server, not the statement.
 * SQLSTATE classes 08 (connection), 53 (resources), 57P (shutdown), 40001/40P01 (retry), or no
 * SQLSTATE at all (a socket error, the embedded worker gone).
 */
export function isTransientDbError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true
  return (
    code.startsWith('08') || code.startsWith('53') || code.startsWith('57P') || code === '40001' || code === '40P01'
  )
}
