/**
 * POST /api/sms/inbound: texts villagers send to the county's number, handed over by the SMS
 * provider (through a small adapter: docs/villager.md) as `{ from, text, receivedAt }` with the
 * shared secret in `X-SMS-Secret`. Answers what was done; the reply itself goes out by SMS.
 */
import { timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AppError } from '@rb/domain'
import { ErrorResponse } from '../http/schemas.js'
import type { SmsService } from './service.js'

const InboundBody = Type.Object({
  from: Type.String({
    minLength: 5,
    maxLength: 24,
    description: "the sender's phone number",
    examples: ['13812345678'],
  }),
  text: Type.String({
    maxLength: 1000,
    description: 'what the villager wrote',
    examples: ['0421', '提醒 0421', '取消 K7M3QX'],
  }),
  receivedAt: Type.Optional(
    Type.String({ format: 'date-time', description: 'when the provider received it (default: now)' }),
  ),
})

const Answer = Type.Object({
  id: Type.Integer({ description: 'the logged message' }),
  command: Type.String({ examples: ['query', 'remind', 'cancel_booking', 'cancel_reminders', 'help'] }),
  outcome: Type.String({ examples: ['answered', 'reminder_set', 'booking_cancelled', 'rate_limited'] }),
  reply: Type.Union([Type.Null(), Type.String()], {
    description: 'the text sent back (null: none, e.g. rate-limited, or the booking cancellation text is the answer)',
  }),
})

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export const smsRoutes: FastifyPluginAsyncTypebox<{ sms: SmsService; secret: string | undefined }> = async (
  app,
  { sms, secret },
) => {
  app.post(
    '/api/sms/inbound',
    {
      // The provider has no session: the shared secret is the credential.
      config: { access: 'public' as const },
      schema: {
        tags: ['villager'],
        summary:
          'A text a villager sent to the county number (SMS provider webhook, through an adapter): answered by SMS',
        headers: Type.Object({ 'x-sms-secret': Type.Optional(Type.String({ maxLength: 200 })) }),
        body: InboundBody,
        response: { 200: Answer, 400: ErrorResponse, 401: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (req) => {
      if (!secret) throw new AppError('SERVICE_UNAVAILABLE', 'inbound SMS is off: set SMS_INBOUND_SECRET')
      if (!sameSecret(req.headers['x-sms-secret'] ?? '', secret))
        throw new AppError('UNAUTHENTICATED', 'X-SMS-Secret is missing or wrong')
      const receivedTs = req.body.receivedAt ? Date.parse(req.body.receivedAt) : Date.now()
      return sms.handle({ from: req.body.from, text: req.body.text, receivedTs })
    },
  )
}
