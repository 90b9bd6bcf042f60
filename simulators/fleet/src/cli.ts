/** `npm run sim -- …`: see `--help` and docs/simulator.md. */
import { HELP, parseCli, type CliRequest } from './cli-args.js'
import { startSimulation, type Simulation } from './runner.js'
import { statusLine, summary, type SimStats } from './stats.js'

async function main(argv: readonly string[]): Promise<number> {
  let req: CliRequest
  try {
    req = parseCli(argv)
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nTry --help.\n`)
    return 2
  }
  if (req.help) {
    process.stdout.write(`${HELP}\n`)
    return 0
  }
  const tty = process.stdout.isTTY === true && !req.quiet
  const show = (s: SimStats): void => {
    if (req.quiet) return
    if (tty) process.stdout.write(`\r\x1b[2K${statusLine(s)}`)
    else process.stdout.write(`${new Date().toISOString()} ${statusLine(s)}\n`)
  }
  let sim: Simulation
  try {
    sim = await startSimulation({
      ...req.options,
      statsIntervalMs: tty ? 250 : 10_000,
      onStats: show,
      onLog: (line) => process.stderr.write(`${line}\n`),
    })
  } catch (err) {
    process.stderr.write(`cannot start: ${(err as Error).message}\n`)
    return 1
  }
  const first = sim.stats()
  if (!req.quiet) {
    const what =
      first.mode === 'load'
        ? `${first.vehicles} synthetic vehicles`
        : `${sim.vehicles.length} vehicles, ${sim.vehicles.reduce((n, v) => n + v.trips.length, 0)} trips`
    process.stdout.write(
      `running ${what} over ${first.protocol}${first.mode === 'timetable' ? ` at ×${first.speed}` : ''}; Ctrl-C stops\n`,
    )
    for (const w of first.warnings) process.stderr.write(`warning: ${w}\n`)
  }
  let interrupted = 0
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++interrupted > 1) process.exit(130)
    process.stderr.write(
      `\n${signal}: stopping — sent points are drained, the truth file closed (again to quit at once)…\n`,
    )
    void sim.stop()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const final = await sim.done
  if (tty) process.stdout.write('\n')
  process.stdout.write(`${req.json ? JSON.stringify(final, null, 2) : summary(final)}\n`)
  return final.state === 'done' ? 0 : 1
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`)
    process.exit(1)
  },
)
