/** For tests: the AppError `fn` throws (anything else is rethrown; no throw fails the test). */
import { AppError } from '../errors.js'

export function refusal(fn: () => unknown): AppError {
  try {
    fn()
  } catch (err) {
    if (err instanceof AppError) return err
    throw err
  }
  throw new Error('expected a refusal')
}
