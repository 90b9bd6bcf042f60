/** The machine the figures come from, and how busy its CPUs were during a step. */
import os from 'node:os'

export interface MachineInfo {
  cpuModel: string
  cores: number
  ramGiB: number
  node: string
  platform: string
  /** 1, 5, 15 min load averages when the bench started (other work on the box shows here). */
  loadAvg: number[]
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAvg: os.loadavg().map((n) => Math.round(n * 100) / 100),
  }
}

interface CpuTimes {
  busy: number
  total: number
}

function cpuTimes(): CpuTimes {
  let busy = 0
  let total = 0
  for (const c of os.cpus()) {
    const t = c.times
    busy += t.user + t.nice + t.sys + t.irq
    total += t.user + t.nice + t.sys + t.irq + t.idle
  }
  return { busy, total }
}

/** Starts measuring; the returned function gives the cores in use on average since then (0 … cores). */
export function boxCpu(): () => number {
  const a = cpuTimes()
  const cores = os.cpus().length
  return () => {
    const b = cpuTimes()
    const total = b.total - a.total
    return total > 0 ? ((b.busy - a.busy) / total) * cores : 0
  }
}
