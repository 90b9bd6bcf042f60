/** Entry: shows the sign-in page or the console, depending on the session. */
import './styles.css'
import { api } from './api.js'
import type { ConsoleConfig } from './context.js'
import { currentUser } from './session.js'
import { startShell } from './shell.js'
import { signInPage } from './views/sign-in.js'

const root = document.getElementById('app') as HTMLElement

async function boot(): Promise<void> {
  const [user, config] = await Promise.all([currentUser(), api.get<ConsoleConfig>('/api/console/config')])
  if (!user) {
    signInPage(root, () => location.reload())
    return
  }
  await startShell(root, user, config, () => location.reload())
}

boot().catch((err: Error) => {
  root.textContent = `The console could not start: ${err.message}`
})
