/**
 * Live-hub access: the socket is authenticated once, at the handshake, from the same cookie or
 * `auth: { token }`; rooms `all`, `route:*` and `vehicle:*` need a staff role, `trip:<id>` a
 * staff role or the driver assigned to that trip instance, `stop:*` (the villager page) is open.
 * Anonymous sockets connect fine and may join stop rooms only.
 */
import type { Server } from 'socket.io'
import { roleAllows, STAFF_ROLES, type SessionUser } from '@rb/domain'
import type { RoomName } from '@rb/protocol'
import type { HubSocket, RoomGuard } from '../live/hub.js'
import { isCrossSite, tokenSource } from './cookie.js'
import type { AuthService } from './service.js'

interface SocketAuth {
  user: SessionUser | null
  expiresAt: number
}

const authOf = (socket: HubSocket): SocketAuth | undefined => (socket.data as { auth?: SocketAuth } | undefined)?.auth

/** Rooms a socket without a session may join. */
export const isPublicRoom = (room: RoomName): boolean => room.startsWith('stop:')

/** The driver number assigned to a trip instance, or null (none assigned, or no such instance). */
export type DriverOfTrip = (tripInstanceId: string) => Promise<string | null>

/** The hub's RoomGuard (a reason to refuse, or null); `driverOf` answers for `trip:<id>` rooms. */
export function roomGuard(driverOf: DriverOfTrip): RoomGuard {
  return (socket, room) => {
    if (isPublicRoom(room)) return null
    const a = authOf(socket)
    if (!a?.user || a.expiresAt <= Date.now())
      return 'sign in first: this room needs a dispatcher, operator or admin session'
    if (roleAllows(a.user.role, STAFF_ROLES)) return null
    const driverCode = a.user.role === 'driver' ? a.user.driverCode : undefined
    if (room.startsWith('trip:') && driverCode) {
      const tripInstanceId = room.slice('trip:'.length)
      return driverOf(tripInstanceId).then((assigned) =>
        assigned === driverCode ? null : `${tripInstanceId} is not assigned to driver ${driverCode}`,
      )
    }
    return `this room needs a dispatcher, operator or admin session; you are ${a.user.role}`
  }
}

/** The internal room every socket of an account joins at its handshake (notices to a driver go there). */
export const userRoom = (userId: number): string => `user#${userId}`
const sessionRoom = (tokenHash: string): string => `session#${tokenHash.slice(0, 32)}`

/**
 * Authenticates sockets at the handshake and drops them when their account's access changes or
 * their session ends. (Internal rooms use `#`, which subscribe never accepts.)
 */
export function installSocketAuth(
  io: Server,
  auth: AuthService,
  publicUrl: string,
  log: { warn(obj: object, msg: string): void },
): void {
  io.use((socket, next) => {
    const headers = socket.handshake.headers
    const given = (socket.handshake.auth as { token?: unknown } | undefined)?.token
    const fromHeaders = tokenSource({ cookie: headers.cookie, authorization: headers.authorization })
    // Another site's page opening a socket with our cookie (old browsers) gets no session.
    const cookieFromElsewhere = fromHeaders?.via === 'cookie' && isCrossSite(headers.origin, headers.host, publicUrl)
    const token = typeof given === 'string' && given ? given : cookieFromElsewhere ? undefined : fromHeaders?.token
    const data = socket.data as { auth?: SocketAuth }
    data.auth = { user: null, expiresAt: 0 }
    if (!token || token.length > 200) return next()
    auth.session(token, Date.now()).then(
      (s) => {
        if (s) {
          data.auth = { user: s.user, expiresAt: s.expiresAt }
          void socket.join([userRoom(s.user.id), sessionRoom(s.tokenHash)])
          // A socket does not outlive its session (it would keep receiving the fleet).
          const expiry = setTimeout(
            () => socket.disconnect(true),
            Math.min(Math.max(0, s.expiresAt - Date.now()), 2 ** 31 - 1),
          )
          expiry.unref()
          socket.once('disconnect', () => clearTimeout(expiry))
        }
        next()
      },
      (err: Error) => {
        log.warn({ err: err.message }, 'socket session lookup failed; connecting as anonymous')
        next()
      },
    )
  })
  auth.onRevoke((userId) => io.in(userRoom(userId)).disconnectSockets(true))
  auth.onSessionEnd((tokenHash) => io.in(sessionRoom(tokenHash)).disconnectSockets(true))
}
