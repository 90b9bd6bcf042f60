/**
 * The audit log of dispatcher and admin actions: who, what, to which thing, before and after.
 * Other modules call `audit(request, action, target, before, after)` after a change; pass the
 * transaction as `q` to write the row in the same transaction as the change.
 */
import type { FastifyRequest } from 'fastify'
import { accountsRepo, type AuditRecord, type Db, type Queryable } from '@rb/db'

export class AuditLog {
  constructor(readonly db: Db) {}

  async write(entry: accountsRepo.AuditEntry, now: number, q: Queryable = this.db): Promise<void> {
    await accountsRepo.insertAudit(q, entry, now)
  }

  list(query: accountsRepo.AuditQuery): Promise<AuditRecord[]> {
    return accountsRepo.listAudit(this.db, query)
  }
}

const AUDITED = Symbol('audited')
type Marked = FastifyRequest & { [AUDITED]?: true }

/** Whether a route wrote its own audit row for this request (the automatic row is then skipped). */
export const wasAudited = (request: FastifyRequest): boolean => (request as Marked)[AUDITED] === true

/** For a route whose service wrote its own audit rows in the change's transaction: no automatic row. */
export const markAudited = (request: FastifyRequest): void => {
  ;(request as Marked)[AUDITED] = true
}

/**
 * Records one action by the request's user. `action` is a dotted verb (`stop.update`,
 * `booking.cancel`), `target` names the thing (`stop:XY-0421`); before/after are JSON-able
 * snapshots (null for a creation or a deletion). Never put secrets in them.
 */
export async function audit(
  request: FastifyRequest,
  action: string,
  target: string,
  before: unknown,
  after: unknown,
  q?: Queryable,
): Promise<void> {
  const user = request.user
  ;(request as Marked)[AUDITED] = true
  await request.server.auditLog.write(
    {
      userId: user && user.id > 0 ? user.id : null,
      username: user?.username ?? 'anonymous',
      action,
      target,
      before: before ?? null,
      after: after ?? null,
      ip: request.ip,
    },
    Date.now(),
    q,
  )
}
