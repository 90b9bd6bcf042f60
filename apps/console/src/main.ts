/** Entry: shows the sign-in page or the console, depending on the session. */
import './styles.css'
import './ui/status.css'
import { api } from './api.js'
import type { ConsoleConfig } from './context.js'
import { currentUser } from './session.js'
import { startShell } from './shell.js'
import { signInPage } from './views/sign-in.js'
import { lang, t, useLang } from './i18n/index.js'
import { loadPreferences } from './ui/lang-switch.js'

const root = document.getElementById('app') as HTMLElement

async function boot(): Promise<void> {
  useLang(lang())
  const [user, config] = await Promise.all([currentUser(), api.get<ConsoleConfig>('/api/console/config')])
  if (!user) {
    // The console starts on this same page: the sign-in click is the gesture that lets the alarm sound.
    signInPage(root, () => void boot().catch(failed))
    return
  }
  await loadPreferences().catch(() => {})
  await startShell(root, user, config, () => location.reload())
}

function failed(err: Error): void {
  root.textContent = t('The console could not start: {message}', { message: err.message })
}

boot().catch(failed)
