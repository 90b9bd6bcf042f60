/** A bus's JT/T 808 terminal for tests: signs in to the gateway and keeps every text (0x8300) it is sent, answering each with success. */
import { connect } from 'node:net'
import { jt808 } from '@rb/protocol'
import { waitFor } from './server.js'

export interface TextTerminal {
  texts: string[]
  close(): void
}

export async function jt808TextTerminal(port: number, phone: string, timeoutMs = 5000): Promise<TextTerminal> {
  const socket = connect(port, '127.0.0.1')
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  const splitter = new jt808.FrameSplitter()
  const received: jt808.Jt808Message[] = []
  const texts: string[] = []
  let serial = 0
  const send = (body: jt808.Jt808BodyInput): void => void socket.write(jt808.encodeMessage({ phone, protocolVersion: null, serial: serial++ }, body))
  socket.on('data', (chunk: Buffer) => {
    for (const f of splitter.push(chunk).frames) {
      const m = jt808.decodeMessage(f)
      received.push(m)
      if (m.body.kind !== 'textMessage') continue
      texts.push(m.body.text)
      send({ kind: 'terminalGeneralReply', ackSerial: m.header.serial, ackMsgId: jt808.MSG_ID.textMessage, result: jt808.REPLY_RESULT.success })
    }
  })
  send({ kind: 'register', layout: '2013', provinceId: 51, cityId: 524, manufacturerId: 'XYBUS', terminalModel: 'TG-808B', terminalId: 'T000001', plateColor: 1, plate: '' })
  const reg = await waitFor(() => received.find((m) => m.body.kind === 'registerReply'), timeoutMs)
  send({ kind: 'auth', authCode: (reg.body as jt808.RegisterReply).authCode, imei: null, softwareVersion: null })
  await waitFor(() => received.find((m) => m.body.kind === 'platformGeneralReply'), timeoutMs)
  return { texts, close: () => socket.destroy() }
}
