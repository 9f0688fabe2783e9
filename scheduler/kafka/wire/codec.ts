/** The Kafka wire primitives we encode ourselves: integers, varints, compact strings and arrays, tagged fields. */

import { KmError } from '../../../errors/index.js'

/**
 * The few primitives of the Kafka wire protocol that kafka-mesos encodes itself (for APIs kafkajs
 * lacks, such as DescribeQuorum): big-endian integers, doubles, booleans, unsigned varints, compact
 * (flexible-version) strings and arrays, nullable ones, and empty tagged-field buffers. Source: Kafka protocol guide, "Protocol
 * Primitive Types" (KIP-482 for the compact types).
 */

/** Raised when a response is shorter than its schema or malformed (KM_ERR_KAFKA_WIRE, 503). */
export class WireError extends KmError {
  constructor(message: string) {
    super('KM_ERR_KAFKA_WIRE', message, { status: 503 })
  }
}

/** Builds a request body. */
export class Writer {
  private readonly parts: Buffer[] = []

  int8(v: number): this {
    const b = Buffer.alloc(1)
    b.writeInt8(v)
    return this.raw(b)
  }

  int16(v: number): this {
    const b = Buffer.alloc(2)
    b.writeInt16BE(v)
    return this.raw(b)
  }

  int32(v: number): this {
    const b = Buffer.alloc(4)
    b.writeInt32BE(v)
    return this.raw(b)
  }

  /** int64 from a JS number (exact up to 2^53). */
  int64(v: number): this {
    const b = Buffer.alloc(8)
    b.writeBigInt64BE(BigInt(Math.trunc(v)))
    return this.raw(b)
  }

  /** FLOAT64: an IEEE 754 double, big-endian. */
  float64(v: number): this {
    const b = Buffer.alloc(8)
    b.writeDoubleBE(v)
    return this.raw(b)
  }

  /** BOOLEAN: one byte, 0 or 1. */
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0)
  }

  /** UINT16 (big-endian), e.g. a listener port. */
  uint16(v: number): this {
    const b = Buffer.alloc(2)
    b.writeUInt16BE(v)
    return this.raw(b)
  }

  /**
   * UUID: 16 bytes. Kafka prints a Uuid as the base64url of those bytes (22 chars, no padding),
   * which is the form taken here (`Uuid.toString`/`fromString`).
   * @throws WireError when `id` is not 16 bytes of base64url
   */
  uuid(id: string): this {
    const b = Buffer.from(id, 'base64url')
    if (b.length !== 16 || b.toString('base64url') !== id)
      throw new WireError(`not a Kafka Uuid (22 base64url characters): "${id}"`)
    return this.raw(b)
  }

  /** Unsigned varint (LEB128), as used for compact lengths and tag counts. */
  uvarint(v: number): this {
    const bytes: number[] = []
    let n = v >>> 0
    while (n >= 0x80) {
      bytes.push((n & 0x7f) | 0x80)
      n >>>= 7
    }
    bytes.push(n)
    return this.raw(Buffer.from(bytes))
  }

  /** NULLABLE_STRING (int16 length), as in request header v1/v2's client_id. */
  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1)
    const b = Buffer.from(s, 'utf8')
    return this.int16(b.length).raw(b)
  }

  /** COMPACT_STRING: uvarint(length + 1) then UTF-8 bytes. */
  compactString(s: string): this {
    const b = Buffer.from(s, 'utf8')
    return this.uvarint(b.length + 1).raw(b)
  }

  /** COMPACT_NULLABLE_STRING: 0 for null, else as {@link compactString}. */
  compactNullableString(s: string | null): this {
    return s === null ? this.uvarint(0) : this.compactString(s)
  }

  /** COMPACT_NULLABLE_ARRAY: 0 for null, else as {@link compactArray}. */
  compactNullableArray<T>(items: readonly T[] | null, each: (w: this, item: T) => void): this {
    return items === null ? this.uvarint(0) : this.compactArray(items, each)
  }

  /** COMPACT_ARRAY: uvarint(count + 1) then the items. */
  compactArray<T>(items: readonly T[], each: (w: this, item: T) => void): this {
    this.uvarint(items.length + 1)
    for (const item of items) each(this, item)
    return this
  }

  /** An empty tagged-field section. */
  tags(): this {
    return this.uvarint(0)
  }

  raw(b: Buffer): this {
    this.parts.push(b)
    return this
  }

  build(): Buffer {
    return Buffer.concat(this.parts)
  }
}

/** Reads a response body; every read checks bounds. */
export class Reader {
  private offset = 0

  constructor(private readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.offset + n > this.buf.length)
      throw new WireError(`response ends early: need ${n} bytes at offset ${this.offset} of ${this.buf.length}`)
  }

  int8(): number {
    this.need(1)
    return this.buf.readInt8(this.offset++)
  }

  int16(): number {
    this.need(2)
    const v = this.buf.readInt16BE(this.offset)
    this.offset += 2
    return v
  }

  int32(): number {
    this.need(4)
    const v = this.buf.readInt32BE(this.offset)
    this.offset += 4
    return v
  }

  uint16(): number {
    this.need(2)
    const v = this.buf.readUInt16BE(this.offset)
    this.offset += 2
    return v
  }

  /** int64 as a JS number (exact up to 2^53; offsets and timestamps fit). */
  int64(): number {
    this.need(8)
    const v = this.buf.readBigInt64BE(this.offset)
    this.offset += 8
    return Number(v)
  }

  /** FLOAT64 */
  float64(): number {
    this.need(8)
    const v = this.buf.readDoubleBE(this.offset)
    this.offset += 8
    return v
  }

  /** BOOLEAN: any non-zero byte is true. */
  bool(): boolean {
    return this.int8() !== 0
  }

  uvarint(): number {
    let value = 0
    let shift = 0
    for (;;) {
      this.need(1)
      const b = this.buf[this.offset++]
      value += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return value
      shift += 7
      if (shift > 35) throw new WireError('varint is too long')
    }
  }

  uuid(): string {
    this.need(16)
    const v = this.buf.subarray(this.offset, this.offset + 16).toString('base64url')
    this.offset += 16
    return v
  }

  /** COMPACT_NULLABLE_STRING: null when the length byte is 0. */
  compactNullableString(): string | null {
    const n = this.uvarint()
    if (n === 0) return null
    this.need(n - 1)
    const s = this.buf.toString('utf8', this.offset, this.offset + n - 1)
    this.offset += n - 1
    return s
  }

  compactString(): string {
    const s = this.compactNullableString()
    if (s === null) throw new WireError('unexpected null string')
    return s
  }

  /** COMPACT_ARRAY; a null array (length byte 0) reads as []. */
  compactArray<T>(each: (r: this) => T): T[] {
    const n = this.uvarint()
    if (n === 0) return []
    const out: T[] = []
    for (let i = 0; i < n - 1; i++) out.push(each(this))
    return out
  }

  /** Skips a tagged-field section (we read none of the tags). */
  tags(): void {
    const count = this.uvarint()
    for (let i = 0; i < count; i++) {
      this.uvarint()
      const size = this.uvarint()
      this.need(size)
      this.offset += size
    }
  }

  get remaining(): number {
    return this.buf.length - this.offset
  }
}
