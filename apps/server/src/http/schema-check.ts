/**
 * Compile-time checks that the HTTP schemas (TypeBox) and the domain types say the same thing.
 * The server removes properties a schema does not list (`removeAdditional`), so a domain field an
 * answer's schema forgets would vanish silently, and a body field the domain lacks would be
 * dropped; these checks make either fail `npm run typecheck` instead. Used as
 *
 *     type _Stop = Expect<Carries<Static<typeof Stop>, domain.Stop>>
 *
 * next to the schema. A failing check shows the keys in its message (`{ missing: 'newField' }`).
 */

/** Accepts only `true`: an alias over a check that is not true is a type error. */
export type Expect<T extends true> = T

/** The schema carries every field of the domain type (but those in `Except`), each with a type the domain's value fits. */
export type Carries<Schema, Domain, Except extends keyof Domain = never> = [
  Exclude<keyof Domain, Except | keyof Schema>,
] extends [never]
  ? [Pick<Domain, Exclude<keyof Domain, Except>>] extends [
      Pick<Schema, Extract<Exclude<keyof Domain, Except>, keyof Schema>>,
    ]
    ? true
    : {
        mismatched: {
          [K in Extract<Exclude<keyof Domain, Except>, keyof Schema>]: [Domain[K]] extends [Schema[K]] ? never : K
        }[Extract<Exclude<keyof Domain, Except>, keyof Schema>]
      }
  : { missing: Exclude<keyof Domain, Except | keyof Schema> }

/** The schema has no field the domain type lacks (but those in `Extra`): what a body may set, the domain stores. */
export type Within<Schema, Domain, Extra extends keyof Schema = never> = [
  Exclude<keyof Schema, Extra | keyof Domain>,
] extends [never]
  ? true
  : { unknownToDomain: Exclude<keyof Schema, Extra | keyof Domain> }

/** Both: the same fields (but the exceptions named), the domain's values fitting the schema. */
export type SameFields<Schema, Domain, Except extends keyof Domain = never, Extra extends keyof Schema = never> =
  Carries<Schema, Domain, Except> extends true ? Within<Schema, Domain, Extra> : Carries<Schema, Domain, Except>
