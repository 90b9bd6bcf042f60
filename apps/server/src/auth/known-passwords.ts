/**
 * Passwords that must never work: the demo accounts' published ones (refused in production and
 * for any real account) and the first guesses of anyone trying a default.
 */
export const DEMO_PASSWORDS = {
  dispatcher: 'demo-dispatcher',
  operator: 'demo-operator',
  driver: 'demo-driver',
  station: 'demo-station',
} as const

export const WEAK_PASSWORDS: readonly string[] = [
  'admin',
  'administrator',
  'password',
  'password1',
  'password123',
  'changeme',
  'change-me',
  'secret',
  '123456',
  '12345678',
  '123456789',
  '1234567890',
  'qwerty',
  'qwertyuiop',
  'letmein',
  'welcome',
  'admin123',
  'admin1234',
  'admin@123',
  'root',
  'toor',
  'default',
  'passw0rd',
  'p@ssw0rd',
  'abc123456',
  'a123456789',
]
