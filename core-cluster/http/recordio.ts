/** RecordIO framing of the v1 API event streams: encoding one record, decoding a chunked stream. */

import { KmError } from '../../errors/index.js'

/**
 * As Mesos's `docs/recordio.md` and `docs/scheduler-http-api.md` ("RecordIO response format"):
 * `record = 1*DIGIT LF <length octets>`; the length is the payload's byte count in ASCII decimal.
 */

/** Frames one payload. Returns `<len>\n<payload>` as one buffer, to be written as one HTTP chunk. */
export function encodeRecord(payload: Uint8Array | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload)
  return Buffer.concat([Buffer.from(`${body.length}\n`, 'ascii'), body])
}

/** Raised when a stream does not follow the RecordIO grammar. */
export class RecordIOError extends KmError {
  constructor(message: string) {
    super('KM_ERR_RECORDIO', message)
  }
}

/** Longest length prefix accepted (20 digits hold any unsigned 64-bit number). */
const MAX_DIGITS = 20

/**
 * Incremental RecordIO decoder: feed it chunks in any split, it returns whole records.
 * Chunk boundaries carry no meaning (a record may span chunks; a chunk may hold several).
 */
export class RecordIODecoder {
  private buffer: Buffer = Buffer.alloc(0)

  /** @throws RecordIOError on a non-digit length, a zero length or an over-long prefix */
  push(chunk: Uint8Array): Buffer[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk])
    const records: Buffer[] = []
    for (;;) {
      const nl = this.buffer.indexOf(0x0a)
      if (nl < 0) {
        if (this.buffer.length > MAX_DIGITS) throw new RecordIOError('record length prefix is too long')
        this.checkDigits(this.buffer)
        break
      }
      const prefix = this.buffer.subarray(0, nl)
      this.checkDigits(prefix)
      if (prefix.length === 0 || prefix.length > MAX_DIGITS) throw new RecordIOError('bad record length prefix')
      const length = Number(prefix.toString('ascii'))
      if (length === 0) throw new RecordIOError('record length must not be 0')
      if (this.buffer.length < nl + 1 + length) break
      records.push(Buffer.from(this.buffer.subarray(nl + 1, nl + 1 + length)))
      this.buffer = this.buffer.subarray(nl + 1 + length)
    }
    return records
  }

  /** Bytes held back waiting for the rest of a record. */
  get pending(): number {
    return this.buffer.length
  }

  private checkDigits(bytes: Buffer): void {
    for (const b of bytes)
      if (b < 0x30 || b > 0x39) throw new RecordIOError(`record length prefix has a non-digit byte 0x${b.toString(16)}`)
  }
}

/** Reads whole records from a web ReadableStream body (fetch response) until it ends. */
export async function* readRecords(body: ReadableStream<Uint8Array>): AsyncGenerator<Buffer> {
  const decoder = new RecordIODecoder()
  const reader = body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      for (const r of decoder.push(value)) yield r
    }
  } finally {
    reader.releaseLock()
  }
}
