/**
 * JT/T 808 codec (2011, 2013 and 2019 headers). Pure: bytes in, typed messages out and back; no
 * I/O, no clock (time-dependent helpers take `nowMs`).
 *
 * Receiving (gateway):
 *   FrameSplitter.push(tcpChunk) → frames → decodeFrame(frame) → { header, body bytes }
 *   → header.subpackage ? SubpackageAssembler.add(...) : decodeBody(header, body)
 *   → locationToPosition / batchToPositions → Position.
 *   `decodeMessage(frame)` does frame + body in one step.
 * Sending (platform, or the simulator acting as a terminal):
 *   encodeMessage(replyHeader(header, serial), { kind: 'platformGeneralReply', … }) → wire bytes.
 *
 * Decoders throw only `Jt808Error` (stable `code`); `tryDecodeFrame` / `tryDecodeMessage` return
 * a result instead. Encoders throw `Jt808Error` with code `BAD_FIELD` on values the wire cannot hold.
 * For every decoded message m, decodeMessage(encodeMessage(m.header, m.body)) deep-equals m except
 * header.bodyLength, which follows the re-encoded body (padding and extra-item order are the
 * codec's own, so bytes can differ from what a terminal sent).
 */
export { Jt808Error, type Jt808ErrorCode, type Jt808Result } from './errors.js'
export { fromHex, toHex } from './bytes.js'
export { canonicalPhone, decodeBcdTime, encodeBcdTime } from './bcd.js'
export {
  FRAME_FLAG,
  ESCAPE_BYTE,
  xorChecksum,
  escapeBytes,
  unescapeBytes,
  decodeFrame,
  tryDecodeFrame,
  decodePacket,
  encodeFrame,
  type Jt808Frame,
  type DecodeFrameOptions,
} from './frame.js'
export { MAX_BODY_BYTES, is2019, type Jt808Header, type HeaderInput, type Subpackage } from './header.js'
export {
  MSG_ID,
  decodeBody,
  decodeMessage,
  tryDecodeMessage,
  encodeBody,
  encodeMessage,
  msgIdOf,
  replyHeader,
  type Jt808Body,
  type Jt808BodyInput,
  type Jt808Message,
  type KnownKind,
  type RawBody,
} from './message.js'
export {
  ALARM_BITS,
  STATUS_BITS,
  decodeAlarmFlags,
  decodeStatusFlags,
  alarmFlagsToRaw,
  statusFlagsToRaw,
  type AlarmFlags,
  type AlarmName,
  type StatusFlags,
  type StatusName,
} from './bodies/location-flags.js'
export {
  LOCATION_FIXED_BYTES,
  decodeLocation,
  encodeLocation,
  type LocationReport,
  type LocationInput,
  type LocationExtras,
  type RawExtraItem,
} from './bodies/location.js'
export {
  BATCH_TYPE,
  decodeBatchLocation,
  encodeBatchLocation,
  type BatchLocationUpload,
  type BatchLocationInput,
} from './bodies/batch.js'
export {
  IC_CARD_STATUS,
  IC_READ_RESULT,
  decodeDriverIdentity,
  encodeDriverIdentity,
  type DriverCard,
  type DriverIdentity,
} from './bodies/driver-identity.js'
export { decodeRegister, encodeRegister, type TerminalRegister, type RegisterLayout } from './bodies/register.js'
export { decodeAuth, encodeAuth, type TerminalAuth } from './bodies/auth.js'
export {
  REPLY_RESULT,
  REGISTER_RESULT,
  decodeGeneralReply,
  encodeGeneralReply,
  decodeRegisterReply,
  encodeRegisterReply,
  type GeneralReply,
  type RegisterReply,
} from './bodies/replies.js'
export { TEXT_FLAG, TEXT_TYPE, decodeTextMessage, encodeTextMessage, type TextMessage } from './bodies/text-message.js'
export { decodeResendRequest, encodeResendRequest, type ResendRequest } from './bodies/resend.js'
export {
  FrameSplitter,
  MAX_WIRE_FRAME_BYTES,
  type SplitterOptions,
  type SplitResult,
  type Discard,
} from './splitter.js'
export {
  SubpackageAssembler,
  subpackageKey,
  firstSerialOf,
  missingPackets,
  joinPieces,
  encodeSubpackaged,
  type AssemblerOptions,
  type AssembleResult,
} from './subpackage.js'
export { locationToPosition, batchToPositions } from './position.js'
