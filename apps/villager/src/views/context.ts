/** What every view's header offers besides its title: the hotline to call and the large-text switch. */
import type { Hotline } from '../model.js'

export const pageContext = {
  hotline: null as Hotline | null,
  large: false,
  /** The phone can speak (speech synthesis); the server never knows, so it paints the button hidden. */
  canSpeak: false,
}
