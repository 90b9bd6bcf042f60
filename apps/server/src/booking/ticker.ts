/** Runs a task now and then every interval, never two at a time; a failure is reported and the next tick tries again. */
export class Ticker {
  #timer: NodeJS.Timeout | undefined
  #running: Promise<unknown> | undefined

  constructor(
    private readonly task: () => Promise<unknown>,
    private readonly onError: (err: Error) => void,
  ) {}

  start(intervalMs: number): void {
    const tick = (): void => {
      if (this.#running) return
      this.#running = this.task()
        .catch((err: Error) => this.onError(err))
        .finally(() => (this.#running = undefined))
    }
    this.#timer = setInterval(tick, intervalMs)
    this.#timer.unref()
    tick()
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.#running
  }
}
