/** RecordIO framing tests: the wire form, any chunking, and malformed streams. */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { KmError } from '../../errors/index.js'
import { encodeRecord, RecordIODecoder, RecordIOError } from './recordio.js'

/** Splits a buffer at the given cut points (any split must decode the same). */
function split(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b)
  const out: Buffer[] = []
  let last = 0
  for (const p of points) {
    out.push(buf.subarray(last, p))
    last = p
  }
  out.push(buf.subarray(last))
  return out
}

describe('RecordIO', () => {
  test('frames a record as <length>\\n<payload>, as Mesos', () => {
    expect(encodeRecord('{"type":"HEARTBEAT"}').toString()).toBe('20\n{"type":"HEARTBEAT"}')
  })

  test.prop([
    fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 20 }),
    fc.array(fc.nat(), { maxLength: 30 }),
  ])('decodes any sequence of records however the stream is chunked', (payloads, cuts) => {
    const stream = Buffer.concat(payloads.map((p) => encodeRecord(p)))
    const decoder = new RecordIODecoder()
    const got = split(stream, cuts).flatMap((chunk) => decoder.push(chunk))
    expect(got.map((b) => Buffer.from(b).toString('hex'))).toEqual(payloads.map((p) => Buffer.from(p).toString('hex')))
    expect(decoder.pending).toBe(0)
  })

  test('holds back an incomplete record until the rest arrives', () => {
    const d = new RecordIODecoder()
    expect(d.push(Buffer.from('5\nhel'))).toEqual([])
    expect(d.pending).toBe(5)
    expect(d.push(Buffer.from('lo3\nabc')).map(String)).toEqual(['hello', 'abc'])
  })

  test.each([['x\nabc'], ['0\n'], ['12a\nabc'], ['123456789012345678901\n']])(
    'rejects the malformed stream %j',
    (text) => {
      expect(() => new RecordIODecoder().push(Buffer.from(text))).toThrow(RecordIOError)
    },
  )

  test('RecordIOError is a KmError with code KM_ERR_RECORDIO', () => {
    const e = new RecordIOError('bad record length prefix')
    expect(e).toBeInstanceOf(KmError)
    expect(e.code).toBe('KM_ERR_RECORDIO')
  })
})
