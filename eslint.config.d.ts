// Types of what eslint.config.js exports besides the config, for the tests that read them.
import type { Linter } from 'eslint'

export interface Boundary {
  path: string
  may: string[]
  types?: string[]
  /** Imported as types by the workspace's tests and test factories only. */
  testTypes?: string[]
}
export declare const BOUNDARIES: Boundary[]
export declare const PURE_PACKAGES: string[]
declare const config: Linter.Config[]
export default config
