/** The v1 API codec: Mesos JSON and protobuf bodies to checked plain objects and back, and content negotiation. */

import { randomUUID } from 'node:crypto'
import protobuf from 'protobufjs'
import { KmError } from '../../errors/index.js'
import { descriptor } from './descriptor.js'
import { tooDeep, tooDeepMessage } from './json-depth.js'

/** Wire encodings the v1 APIs accept (Mesos compares the Content-Type string exactly, `docs/scheduler-http-api.md`). */
export type ContentType = 'application/json' | 'application/x-protobuf'
export const JSON_TYPE: ContentType = 'application/json'
export const PROTOBUF_TYPE: ContentType = 'application/x-protobuf'

/** Fully qualified message names this codec knows, e.g. `mesos.v1.scheduler.Call`. */
export type MessageName =
  | 'mesos.v1.scheduler.Call'
  | 'mesos.v1.scheduler.Event'
  | 'mesos.v1.executor.Call'
  | 'mesos.v1.executor.Event'
  | 'kafka_mesos.agent.Call'
  | 'kafka_mesos.agent.Event'
  | 'mesos.v1.TaskInfo'
  | 'mesos.v1.TaskStatus'

/** Raised when a body cannot be turned into a message: bad JSON, bad protobuf, or a missing required field. */
export class CodecError extends KmError {
  constructor(message: string) {
    super('KM_ERR_DECODE', message)
  }
}

const root = protobuf.Root.fromJSON(descriptor as unknown as protobuf.INamespace)
const types = new Map<string, protobuf.Type>()
function type(name: MessageName): protobuf.Type {
  let t = types.get(name)
  if (!t) {
    t = root.lookupType(name)
    types.set(name, t)
  }
  return t
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, bytes: String, defaults: false }

/**
 * Drops `null` values at every depth: Mesos treats JSON null as "unset" (stout
 * `3rdparty/stout/include/stout/protobuf.hpp`). Iterative, so that no nesting overflows the stack.
 */
function stripNulls(value: unknown): unknown {
  const copy = (v: unknown): unknown => (Array.isArray(v) ? [] : v && typeof v === 'object' ? {} : v)
  const root = copy(value)
  const work: Array<[unknown, unknown]> = [[value, root]]
  while (work.length > 0) {
    const [from, to] = work.pop()!
    if (Array.isArray(from)) {
      for (const v of from) {
        if (v === null || v === undefined) continue
        const c = copy(v)
        ;(to as unknown[]).push(c)
        if (c !== v) work.push([v, c])
      }
    } else if (from && typeof from === 'object') {
      for (const [k, v] of Object.entries(from)) {
        // no Mesos message has a `__proto__` field; assigning one would set the copy's prototype
        if (v === null || v === undefined || k === '__proto__') continue
        const c = copy(v)
        ;(to as Record<string, unknown>)[k] = c
        if (c !== v) work.push([v, c])
      }
    }
  }
  return root
}

function decodeBinary(t: protobuf.Type, bytes: Uint8Array): protobuf.Message {
  try {
    return t.decode(bytes)
  } catch (e) {
    throw new CodecError(`Failed to parse ${t.fullName.slice(1)}: ${(e as Error).message}`)
  }
}

/**
 * Checks proto2 `required` fields recursively (protobufjs fills them with defaults instead).
 * @throws CodecError naming the first missing field's path
 */
function checkRequired(t: protobuf.Type, obj: Record<string, unknown>, path: string): void {
  for (const field of t.fieldsArray) {
    const value = obj[field.name]
    if (value === undefined) {
      if (field.required)
        throw new CodecError(`Failed to validate ${t.fullName.slice(1)}: missing required field '${path}${field.name}'`)
      continue
    }
    field.resolve()
    if (!(field.resolvedType instanceof protobuf.Type)) continue
    const sub = field.resolvedType
    const items = field.repeated && Array.isArray(value) ? value : [value]
    items.forEach((item, i) => {
      if (item && typeof item === 'object' && !Array.isArray(item)) {
        checkRequired(sub, item as Record<string, unknown>, `${path}${field.name}${field.repeated ? `[${i}]` : ''}.`)
      }
    })
  }
}

/**
 * Mesos's JSON parsing takes enum values by name only: a number where an enum is expected is an
 * error (protobufjs would take it, e.g. `"type": 0` as UNKNOWN). Walks the JSON along the schema.
 * @throws CodecError naming the field
 */
function checkEnumNames(t: protobuf.Type, obj: Record<string, unknown>, path: string, name: string): void {
  for (const field of t.fieldsArray) {
    const value = obj[field.name]
    if (value === undefined || field.map) continue
    field.resolve()
    const items = field.repeated && Array.isArray(value) ? value : [value]
    if (field.resolvedType instanceof protobuf.Enum) {
      if (items.some((v) => typeof v !== 'string'))
        throw new CodecError(
          `Failed to convert JSON into ${name}: '${path}${field.name}' must be an enum value name (a string)`,
        )
    } else if (field.resolvedType instanceof protobuf.Type) {
      const sub = field.resolvedType
      items.forEach((item, i) => {
        if (item && typeof item === 'object' && !Array.isArray(item))
          checkEnumNames(
            sub,
            item as Record<string, unknown>,
            `${path}${field.name}${field.repeated ? `[${i}]` : ''}.`,
            name,
          )
      })
    }
  }
}

/**
 * Converts a message in Mesos JSON form (snake_case keys, enum names, base64 bytes) to a checked
 * plain object of the same form. Unknown keys and unknown enum names of optional fields are dropped,
 * as Mesos does; missing proto2 required fields throw.
 * @throws CodecError
 */
export function normalize<T>(name: MessageName, obj: unknown): T {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new CodecError(`Expected a JSON object for ${name}`)
  const deep = tooDeep(obj)
  if (deep) throw new CodecError(`Failed to convert JSON into ${name}: ${tooDeepMessage(deep)}`)
  const t = type(name)
  const clean = stripNulls(obj) as Record<string, unknown>
  checkEnumNames(t, clean, '', name)
  let msg: protobuf.Message
  try {
    msg = t.fromObject(clean)
  } catch (e) {
    throw new CodecError(`Failed to convert JSON into ${name}: ${(e as Error).message}`)
  }
  const plain = t.toObject(msg, TO_OBJECT) as Record<string, unknown>
  checkRequired(t, plain, '')
  return plain as T
}

/**
 * Decodes a request or stream body into Mesos JSON form.
 * @throws CodecError on bad JSON, bad protobuf or missing required fields
 */
export function decode<T>(name: MessageName, body: Uint8Array | string, contentType: ContentType): T {
  if (contentType === PROTOBUF_TYPE) {
    const t = type(name)
    const bytes = typeof body === 'string' ? Buffer.from(body, 'binary') : body
    const plain = t.toObject(decodeBinary(t, bytes), TO_OBJECT) as Record<string, unknown>
    checkRequired(t, plain, '')
    return plain as T
  }
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    throw new CodecError(`Failed to parse JSON: ${(e as Error).message}`)
  }
  return normalize<T>(name, parsed)
}

/** Encodes a message given in Mesos JSON form as JSON text bytes or protobuf bytes. */
export function encode(name: MessageName, obj: object, contentType: ContentType): Uint8Array {
  if (contentType === PROTOBUF_TYPE) {
    const t = type(name)
    return t.encode(t.fromObject(stripNulls(obj) as Record<string, unknown>)).finish()
  }
  return Buffer.from(JSON.stringify(obj), 'utf8')
}

/**
 * Picks the content type for a request body from its `Content-Type` header.
 * Returns `undefined` for anything but the two exact v1 types (the caller answers 415).
 */
export function requestContentType(header: string | null | undefined): ContentType | undefined {
  if (header === JSON_TYPE || header === PROTOBUF_TYPE) return header
  return undefined
}

/**
 * Picks the stream encoding from an `Accept` header: JSON preferred, absent means JSON,
 * `undefined` when neither is acceptable (406), as Mesos (`docs/scheduler-http-api.md`).
 */
export function acceptedContentType(header: string | null | undefined): ContentType | undefined {
  if (!header) return JSON_TYPE
  const types = header.split(',').map((s) => s.split(';')[0].trim().toLowerCase())
  if (types.some((t) => t === JSON_TYPE || t === '*/*' || t === 'application/*')) return JSON_TYPE
  if (types.includes(PROTOBUF_TYPE)) return PROTOBUF_TYPE
  return undefined
}

/** A fresh random 16-byte UUID, base64 as in Mesos JSON (TaskStatus.uuid). */
export function newUuidBase64(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64')
}
