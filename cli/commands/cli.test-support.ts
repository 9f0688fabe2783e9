/** The harness of the command tests: one msw server in place of the scheduler's REST API and the master, and a runner that captures what a user sees. */
// Commands run in-process (`Command.run(argv, config)`), so a test file takes well under a second.
// What `code` reports is what bin/run.js would exit with: the `oclif.exit` of an error that left
// the command (our `Error: <message>` path throws oclif's ExitError), else `process.exitCode`, else 0.

import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

import { type Command, Config, run as oclifRun } from '@oclif/core'
import { captureOutput } from '@oclif/test'
import { HttpResponse, http, type JsonBodyType, passthrough } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'

/** The scheduler API the tests pass as `--api`; msw answers it, nothing listens there. */
export const API = 'http://scheduler.test:7000'
/** The master the maintenance tests pass as `--master` (host:port). */
export const MASTER = 'master.test:5050'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** One request the mocked scheduler API received. */
export interface Seen {
  /** e.g. `/api/broker/add` */
  path: string
  /** the form-urlencoded body */
  form: Record<string, string>
  headers: Headers
}

/** What one command run showed. */
export interface Outcome {
  stdout: string
  stderr: string
  /** the exit code bin/run.js would end with */
  code: number
  /** the error that left the command, if any (oclif's ExitError after our `Error: ...` output) */
  error?: Error & { oclif?: { exit?: number } }
}

type CommandClass = { run(argv: string[], config: Config): Promise<unknown> } & typeof Command

let config: Config | undefined

/** Runs one command class with `argv` and captures stdout, stderr and the exit code. */
export async function runCommand(cmd: CommandClass, argv: string[]): Promise<Outcome> {
  config ??= await Config.load(ROOT)
  const loaded = config
  return outcome(await captureOutput(() => cmd.run(argv, loaded)))
}

/** Runs the CLI as `kafka-mesos <argv>` (topic routing, `--help`); used where the command class is not the point. */
export async function runCli(argv: string[]): Promise<Outcome> {
  config ??= await Config.load(ROOT)
  const loaded = config
  return outcome(await captureOutput(() => oclifRun(argv, loaded)))
}

function outcome(r: { stdout: string; stderr: string; error?: Error }): Outcome {
  const error = r.error as Outcome['error']
  const code = error ? (error.oclif?.exit ?? 1) : Number(process.exitCode ?? 0)
  process.exitCode = undefined
  return { stdout: r.stdout, stderr: r.stderr, code, error }
}

/** A loopback port where nothing listens (bound, read, released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** A canned answer: the JSON body and the HTTP status. */
export interface Answer {
  body: JsonBodyType
  status?: number
}

/**
 * Starts the msw server for the test file (listen before all, reset after each, close after all)
 * and returns the helpers that program it. Unhandled requests fail the test.
 */
export function mockApi() {
  const server = setupServer()
  const seen: Seen[] = []
  const masterCalls: Array<{ type: string; [k: string]: unknown }> = []
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => {
    server.resetHandlers()
    seen.length = 0
    masterCalls.length = 0
    process.exitCode = undefined
  })
  afterAll(() => server.close())

  const record = async (request: Request): Promise<Seen> => {
    const s: Seen = {
      path: new URL(request.url).pathname,
      form: Object.fromEntries(new URLSearchParams(await request.text())),
      headers: request.headers,
    }
    seen.push(s)
    return s
  }

  return {
    server,
    /** Requests to the scheduler API, in order. */
    seen,
    /** Calls to the master's operator API, in order. */
    masterCalls,
    /**
     * Answers `POST <API>/api/<path>` with JSON: a fixed answer, or one computed from the form.
     * A plain body is answered 200.
     */
    answer(path: string, reply: Answer | JsonBodyType | ((form: Record<string, string>) => Answer)): void {
      server.use(
        http.post(`${API}/api/${path}`, async ({ request }) => {
          const { form } = await record(request)
          const a =
            typeof reply === 'function'
              ? reply(form)
              : reply !== null && typeof reply === 'object' && 'body' in reply && !Array.isArray(reply)
                ? (reply as Answer)
                : { body: reply as JsonBodyType }
          return HttpResponse.json(a.body, { status: a.status ?? 200 })
        }),
      )
    },
    /** Answers `POST <API>/api/<path>` with an ndjson stream of `lines` (one JSON value per line). */
    stream(path: string, lines: JsonBodyType[]): void {
      server.use(
        http.post(`${API}/api/${path}`, async ({ request }) => {
          await record(request)
          // a ReadableStream, one chunk per line (msw cannot cancel a string body the client stops reading)
          const body = new ReadableStream<Uint8Array>({
            start(c) {
              for (const l of lines) c.enqueue(new TextEncoder().encode(`${JSON.stringify(l)}\n`))
              c.close()
            },
          })
          return new HttpResponse(body, { headers: { 'content-type': 'application/x-ndjson; charset=utf-8' } })
        }),
      )
    },
    /** Answers the master's `POST http://<MASTER>/api/v1` operator calls by type. */
    master(reply: (call: { type: string; [k: string]: unknown }) => Answer | { text: string; status: number }): void {
      server.use(
        http.post(`http://${MASTER}/api/v1`, async ({ request }) => {
          const call = (await request.json()) as { type: string }
          masterCalls.push(call)
          const a = reply(call)
          if ('text' in a) return new HttpResponse(a.text, { status: a.status })
          return HttpResponse.json(a.body, { status: a.status ?? 200 })
        }),
      )
    },
    /**
     * A `http://127.0.0.1:<port>` where nothing listens; requests to it go out for real (msw lets
     * them pass) and are refused, as when the scheduler or master is down.
     */
    async refused(): Promise<string> {
      const url = `http://127.0.0.1:${await closedPort()}`
      server.use(http.all(`${url}/*`, () => passthrough()))
      return url
    },
  }
}

/** The cells of a cli-table3 table in `stdout`, row by row (the header row first), trimmed. */
export function tableCells(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) =>
      l
        .split('│')
        .map((c) => c.trim())
        .slice(1, -1),
    )
}

/** A broker as the REST API answers it (mesos/kafka's `Broker` JSON); `extra` overrides fields. */
export function brokerJson(id: string, extra: Record<string, JsonBodyType> = {}): Record<string, JsonBodyType> {
  return {
    id,
    active: false,
    state: 'stopped',
    cpus: 0.5,
    mem: 768,
    heap: 256,
    needsRestart: false,
    stickiness: { period: '10m' },
    failover: { delay: '1m', maxDelay: '10m', failures: 0 },
    ...extra,
  }
}

/** A running task of broker `id` on 127.0.1.1, rack r1. */
export function runningTask(id: string): Record<string, JsonBodyType> {
  return {
    id: `kafka-${id}-0000`,
    slaveId: 'S0',
    executorId: `kafka-${id}-0000`,
    hostname: '127.0.1.1',
    endpoint: `127.0.1.1:3100${id}`,
    attributes: { rack: 'r1' },
    state: 'running',
  }
}
