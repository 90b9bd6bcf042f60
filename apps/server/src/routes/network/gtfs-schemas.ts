/** Wire schemas of the GTFS import routes (dry run, import, list, undo) and the map's home view. */
import { Type } from '@sinclair/typebox'

const Kinds = ['operator', 'township', 'stop', 'calendar', 'route', 'trip'] as const
const ChangeKinds = [...Kinds, 'frequency'] as const
const Choice = Type.Union([Type.Literal('keep'), Type.Literal('rename'), Type.Literal('replace')])
const counts = (keys: readonly string[]) => Type.Object(Object.fromEntries(keys.map((k) => [k, Type.Integer()])))

export const ImportQuery = Type.Object({
  onConflict: Type.Optional(
    Type.String({
      description:
        'For every id collision without a choice of its own: keep (ours stays, the feed points at it), rename (the feed row gets a new id: a new sign code for a stop) or replace (the feed row overwrites ours)',
    }),
  ),
  resolve: Type.Optional(
    Type.Union([Type.String(), Type.Array(Type.String())], {
      description: 'Per collision, repeatable: kind:id=choice, e.g. stop:XY-0001=rename',
    }),
  ),
  source: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'Which feed this is; default agency:<its agency ids>. The same feed imported again lands on the rows its earlier imports made',
    }),
  ),
})

const Conflict = Type.Object({
  key: Type.String({ description: 'kind:id, as `resolve` takes it' }),
  kind: Type.String(),
  id: Type.String(),
  existing: Type.String({ description: 'ours, in a few words' }),
  incoming: Type.String({ description: "the feed's, in a few words" }),
  usedBy: Type.Integer({
    description: 'how many of our rows use ours (routes through a stop, trips of a route or calendar …)',
  }),
  choice: Type.Union([Choice, Type.Null()]),
})

const External = Type.Object({ kind: Type.String(), externalId: Type.String(), localId: Type.String() })

const previewFields = {
  source: Type.String(),
  feedSha256: Type.String(),
  conflicts: Type.Array(Conflict),
  unresolved: Type.Integer({ description: 'collisions without a choice; the import is refused while there are any' }),
  added: counts(ChangeKinds),
  changed: counts(ChangeKinds),
  removed: counts(ChangeKinds),
  unchanged: counts(Kinds),
  changes: Type.Array(
    Type.Object({ kind: Type.String(), id: Type.String(), action: Type.String(), name: Type.String() }),
    { description: 'the first 500 rows written' },
  ),
  changesTotal: Type.Integer(),
  renamed: Type.Array(External, { description: 'feed ids given another id of ours' }),
  skipped: Type.Array(Type.String()),
  warnings: Type.Array(Type.String()),
}

export const ImportPreview = Type.Object(previewFields)

export const ImportResult = Type.Object({
  ...previewFields,
  importId: Type.Integer({ description: 'undo it with POST /api/gtfs/imports/{importId}/undo' }),
  renumberedStops: Type.Record(Type.String(), Type.String(), {
    description: 'GTFS stop_id → our stop code, where they differ',
  }),
})

export const ImportList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      source: Type.String(),
      feedSha256: Type.String(),
      createdTs: Type.Integer(),
      createdBy: Type.String(),
      undoneTs: Type.Union([Type.Integer(), Type.Null()]),
      undoneBy: Type.Union([Type.String(), Type.Null()]),
      summary: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
})

export const UndoResult = Type.Object({ id: Type.Integer(), deleted: Type.Integer(), restored: Type.Integer() })

export const HomeView = Type.Object({
  bounds: Type.Union([Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()]), Type.Null()]),
  stops: Type.Integer(),
  basis: Type.Union([Type.Literal('county'), Type.Literal('all')]),
})
