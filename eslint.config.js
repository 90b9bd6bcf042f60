import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/**
 * What each workspace may import of the others: `may` as values and types, `types` as types only
 * (`import type`). Anything else from `@rb/…` fails `npm run lint`. docs/architecture.md's table
 * "Where code lives" says the same; tests/docs/architecture-doc.test.ts keeps the two in step.
 */
export const BOUNDARIES = [
  { path: 'packages/csv', may: [] },
  { path: 'packages/geo', may: [] },
  // The tracking engine's tests and their factories build fixes as the wire's Position (types only).
  { path: 'packages/domain', may: ['@rb/geo', '@rb/csv'], testTypes: ['@rb/protocol'] },
  { path: 'packages/protocol', may: [], types: ['@rb/domain'] },
  { path: 'packages/gtfs', may: ['@rb/domain', '@rb/protocol', '@rb/geo', '@rb/csv'] },
  { path: 'packages/db', may: [], types: ['@rb/domain', '@rb/protocol'] },
  { path: 'packages/web', may: [] },
  {
    path: 'apps/console',
    may: ['@rb/web/http', '@rb/domain/access', '@rb/domain/market-digits', '@rb/domain/geofence', '@rb/protocol/track'],
    types: ['@rb/domain', '@rb/protocol'],
  },
  { path: 'apps/driver', may: ['@rb/web/http'], types: ['@rb/domain', '@rb/protocol'] },
  { path: 'apps/villager', may: ['@rb/web/http'], types: ['@rb/domain', '@rb/protocol'] },
  { path: 'simulators/fleet', may: ['@rb/protocol', '@rb/domain', '@rb/geo', '@rb/gtfs'] },
  {
    path: 'apps/server',
    may: ['@rb/csv', '@rb/geo', '@rb/domain', '@rb/protocol', '@rb/gtfs', '@rb/db', '@rb/sim', '@rb/villager/ssr'],
  },
]

/** Pure packages: no I/O and no clock (docs/design.md §1, docs/architecture.md). */
export const PURE_PACKAGES = ['packages/csv', 'packages/domain', 'packages/geo', 'packages/gtfs', 'packages/protocol']

/**
 * The lint rules for one workspace: its code as the table says; its tests and test factories
 * (bundled nowhere) may also use values of what the code takes as types, the types of `testTypes`,
 * and reach test helpers by path.
 */
function boundary({ path, may, types = [], testTypes = [] }) {
  const what = `${path} may import ${[...may, ...types.map((t) => `${t} (types)`)].join(', ') || 'no other workspace'} (docs/architecture.md)`
  const exactly = (names) => names.map((n) => n.replaceAll('/', '\\/')).join('|')
  // Any `@rb/…` specifier but the ones listed, exactly (a listed subpath allows no other subpath).
  const others = { regex: `^@rb\\/(?!(${exactly([...may, ...types].map((m) => m.slice(4)))})$)`, message: what }
  const code = [
    others,
    { regex: '^(\\.\\./)+(.+/)?src/', message: 'import another workspace by its package name, not by a path into it' },
    ...(types.length > 0
      ? [{ regex: `^(${exactly(types)})$`, allowTypeImports: true, message: `${what}: use \`import type\`` }]
      : []),
  ]
  const tests = [
    { regex: `^@rb\\/(?!(${exactly([...may, ...types, ...testTypes].map((m) => m.slice(4)))})$)`, message: what },
    ...(testTypes.length > 0
      ? [
          {
            regex: `^(${exactly(testTypes)})$`,
            allowTypeImports: true,
            message: `tests of ${path} may import ${testTypes.join(', ')} as types only`,
          },
        ]
      : []),
  ]
  const rule = (patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] })
  const testFiles = [`${path}/src/**/*.test.ts`, `${path}/src/**/test-factories.ts`]
  return [
    { files: [`${path}/src/**/*.ts`], ignores: testFiles, rules: rule(code) },
    { files: testFiles, rules: rule(tests) },
  ]
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '{apps,packages,simulators}/*/build/**',
      'data/**',
      '**/*.d.ts',
      '.ci/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // What the code ships: no value of type any flows on unchecked (tests may read JSON loosely).
    files: ['**/*.ts'],
    ignores: ['**/*.test.ts', 'tests/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
    },
  },
  {
    // Pure packages: no I/O and no clock (docs/design.md §1).
    files: PURE_PACKAGES.map((p) => `${p}/src/**/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'pg',
            'mqtt',
            'socket.io*',
            'fastify*',
            'node:fs*',
            'node:net',
            'fs',
            'net',
            '@electric-sql/*',
            'aedes',
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pass `now` in as a parameter.' },
      ],
    },
  },
  ...BOUNDARIES.flatMap(boundary),
)
