/** A client's tolerant view of a JSON schema: unknown keys kept, every field may be missing or null. */

import { z } from 'zod'

/** The shape of {@link lenientObject}'s result: each field of `S`, also allowed to be null or missing. */
export type NullishShape<S extends z.ZodRawShape> = { [K in keyof S]: z.ZodOptional<z.ZodNullable<S[K]>> }

/**
 * A loose object schema with every field of `schema` made nullish: a client (the CLI) reads what a
 * server answers without failing on a field an older or newer server leaves out or adds. Nested
 * objects keep their own rules; give them a lenient view too with `.extend(...)`.
 *
 * @example lenientObject(NodeTaskSchema).extend({ state: z.string() })
 */
export function lenientObject<S extends z.ZodRawShape>(
  schema: z.ZodObject<S>,
): z.ZodObject<NullishShape<S>, z.core.$loose> {
  const shape: Record<string, z.ZodType> = {}
  for (const [key, field] of Object.entries(schema.shape)) shape[key] = (field as z.ZodType).nullable().optional()
  return z.looseObject(shape as NullishShape<S>)
}
