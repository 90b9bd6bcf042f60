/**
 * The alarm's sound: a two-tone beep from a Web Audio oscillator, repeated while an emergency waits
 * for acknowledgement. Browsers keep audio suspended until the page has had a user gesture, so the
 * context is started (or resumed) on the first click or key anywhere — the sign-in counts — and the
 * state is told to whoever shows "sound blocked". `document.body.dataset.alarm` says `sounding` or
 * `blocked` while an alarm is wanted (the end-to-end test reads it), nothing otherwise.
 */
import { Emitter } from '../live.js'

export type AlarmSoundState = 'silent' | 'sounding' | 'blocked'

const BEEP_EVERY_MS = 900
const TONES_HZ = [988, 784]
const TONE_S = 0.22

export class AlarmSound {
  readonly changed = new Emitter<AlarmSoundState>()
  /** Beeps played so far (read by tests). */
  beeps = 0
  private ctx: AudioContext | null = null
  private wanted = false
  private timer = 0
  private shown: AlarmSoundState = 'silent'

  constructor(private readonly body: HTMLElement = document.body) {
    const unlock = (): void => this.unlock()
    // Capture: a click on anything counts, whatever stops its propagation later.
    document.addEventListener('pointerdown', unlock, { capture: true })
    document.addEventListener('keydown', unlock, { capture: true })
    // Sticky activation (the sign-in click on this same page) already allows audio.
    if (navigator.userActivation?.hasBeenActive) this.unlock()
  }

  get state(): AlarmSoundState {
    if (!this.wanted) return 'silent'
    return this.ctx?.state === 'running' ? 'sounding' : 'blocked'
  }

  /** The AudioContext's own state, for tests: `running`, `suspended`, `closed`, or `none`. */
  get contextState(): string {
    return this.ctx?.state ?? 'none'
  }

  /** From a user gesture: creates or resumes the audio context. */
  unlock(): void {
    if (!this.ctx) {
      this.ctx = new AudioContext()
      this.ctx.addEventListener('statechange', () => this.update())
    }
    if (this.ctx.state === 'suspended')
      void this.ctx.resume().then(
        () => this.update(),
        () => this.update(),
      )
    this.update()
  }

  /** Sound (or say it is blocked) until `stop`. */
  start(): void {
    if (this.wanted) return
    this.wanted = true
    this.update()
  }

  stop(): void {
    if (!this.wanted) return
    this.wanted = false
    this.update()
  }

  private update(): void {
    const state = this.state
    if (state === 'sounding' && !this.timer) {
      this.beep()
      this.timer = window.setInterval(() => this.beep(), BEEP_EVERY_MS)
    } else if (state !== 'sounding' && this.timer) {
      clearInterval(this.timer)
      this.timer = 0
    }
    if (state === 'silent') delete this.body.dataset.alarm
    else this.body.dataset.alarm = state
    if (state !== this.shown) {
      this.shown = state
      this.changed.emit(state)
    }
  }

  private beep(): void {
    const ctx = this.ctx
    if (!ctx || ctx.state !== 'running') return
    const t0 = ctx.currentTime
    TONES_HZ.forEach((hz, i) => {
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.type = 'square'
      osc.frequency.value = hz
      const start = t0 + i * TONE_S
      gain.gain.setValueAtTime(0.0001, start)
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02)
      gain.gain.exponentialRampToValueAtTime(0.0001, start + TONE_S)
      osc.connect(gain).connect(ctx.destination)
      osc.start(start)
      osc.stop(start + TONE_S)
    })
    this.beeps++
  }
}
