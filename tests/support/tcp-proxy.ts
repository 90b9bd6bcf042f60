/** A TCP proxy a test can cut and restore, to take a real service away from the server under test. */
import { createServer, connect, type Socket } from 'node:net'

export interface TcpProxy {
  port: number
  /** Drops every connection and refuses new ones until restore(). */
  cut(): void
  restore(): void
  close(): Promise<void>
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let up = true
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    if (!up) return client.destroy()
    const upstream = connect(targetPort, targetHost)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {})
    }
    client.pipe(upstream).pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const addr = server.address()
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    cut() {
      up = false
      for (const s of sockets) s.destroy()
    },
    restore() {
      up = true
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      }),
  }
}
