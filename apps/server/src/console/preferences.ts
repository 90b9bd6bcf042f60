/** The signed-in account's console preferences: the language the console is shown in. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { consolePrefsRepo, type Db } from '@rb/db'
import { userOf } from '../auth/index.js'
import { ErrorResponse } from '../http/schemas.js'

const Lang = Type.Union([Type.Literal('zh'), Type.Literal('en')], {
  description: 'zh: Chinese (the default), en: English',
})
const Prefs = Type.Object({ lang: Type.Union([Type.Null(), Lang], { description: 'null: never chosen (Chinese)' }) })

export const preferenceRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/api/me/preferences',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['accounts'],
        summary: "The signed-in account's console preferences",
        response: { 200: Prefs, 401: ErrorResponse },
      },
    },
    async (req) => consolePrefsRepo.getPrefs(db, userOf(req).id),
  )
  app.put(
    '/api/me/preferences',
    {
      config: { access: 'signed-in' },
      bodyLimit: 1024,
      schema: {
        tags: ['accounts'],
        summary: 'Remember the console language for this account',
        body: Prefs,
        response: { 200: Prefs, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (req) => {
      await consolePrefsRepo.setLang(db, userOf(req).id, req.body.lang)
      return consolePrefsRepo.getPrefs(db, userOf(req).id)
    },
  )
}
