/**
 * The one database port (DESIGN.md §2): `query` and `transaction`, nothing else.
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
