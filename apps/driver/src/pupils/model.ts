/** What the student-run screens get from the server (GET /api/driver/student-runs, /api/student-runs/:id). */

import type { OtherRider, PupilEntry, PupilStatus, RunView, StudentRunSummary } from '@rb/domain'

export type { OtherRider, PupilEntry, PupilStatus, RunView, StudentRunSummary }
export type Tap = 'boarded' | 'alighted' | 'absent' | 'none'

/** A tap waiting on the phone until the server has it (`opId` makes resending harmless). */
export interface PendingTap {
  opId: string
  runId: string
  pupilId: number | null
  extraKey: string | null
  extraName: string | null
  status: Tap
  stopCode: string | null
  ts: number
  reason: string | null
}
