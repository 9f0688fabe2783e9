/**
 * Shared base for the thin `broker *` commands: the `--api` flag, the REST call, mesos/kafka-style
 * error reporting (`Error: <message>` on stderr, exit 1; §1) and the add/update settings flags (§1.3).
 */

import { readFileSync } from 'node:fs'

import { Command, Errors, Flags, type Interfaces } from '@oclif/core'
import type { z } from 'zod'

import { formatMap, ValueError } from '../contract/index.js'
import { ApiError, decode, type JsonValue, type Params, post, resolveApi } from './api.js'
import { parseProperties } from './properties.js'

/** A CLI failure with mesos/kafka output: printed as `Error: <message>`, exit code 1. */
export class KmCliError extends Errors.CLIError {
  readonly kmCode: string
  constructor(message: string, kmCode: string) {
    super(message, { exit: 1 })
    this.kmCode = kmCode
  }
}

/** `--api`: accepted by every broker command, anywhere on the line (§1.1). */
export const apiFlags = {
  api: Flags.string({
    description:
      'scheduler REST API URL such as http://127.0.0.1:7000 (else env KM_API, else api= in ./kafka-mesos.properties)',
    helpValue: '<url>',
  }),
}

/**
 * Flags of `broker add|update` and the REST param each one is sent as (§1.3). Values are passed
 * through as strings; the server validates them. `""` unsets a setting on update.
 */
export const settingsFlags = {
  cpus: Flags.string({ description: 'CPU amount, e.g. 0.5 (new broker default: 1)', helpValue: '<number>' }),
  mem: Flags.string({ description: 'task memory in MB (new broker default: 2048)', helpValue: '<MB>' }),
  heap: Flags.string({ description: 'Kafka JVM heap (-Xmx) in MB (new broker default: 1024)', helpValue: '<MB>' }),
  port: Flags.string({
    description: 'port or range such as 31092 or 31090..31100; "" means auto (the lowest offered port)',
    helpValue: '<port|A..B>',
  }),
  options: Flags.string({
    description:
      'Kafka server properties k=v,k2=v2 (escape commas as \\,; $id is the broker id), or file:server.properties (read here and sent as k=v,...)',
    helpValue: '<k=v,...|file:path>',
  }),
  constraints: Flags.string({
    description:
      'placement constraints attr=like:<regex>|unlike:<regex>|unique|cluster[:value]|groupBy[:N],... (attr: hostname or an agent attribute)',
    helpValue: '<attr=constraint,...>',
  }),
  'jvm-options': Flags.string({
    description:
      'extra JVM options for the Kafka JVM; pass with = when it starts with a dash: --jvm-options="-XX:+UseG1GC"',
    helpValue: '<options>',
  }),
  'failover-delay': Flags.string({
    description: 'first restart delay after a failure, doubled per failure (default 1m)',
    helpValue: '<period>',
  }),
  'failover-max-delay': Flags.string({ description: 'maximum restart delay (default 10m)', helpValue: '<period>' }),
  'failover-max-tries': Flags.string({
    description: 'failures after which the broker is deactivated (default: unlimited; "" unsets)',
    helpValue: '<count>',
  }),
  'stickiness-period': Flags.string({
    description: 'how long a stopped or failed broker waits to restart on its last host (default 10m)',
    helpValue: '<period>',
  }),
  'bind-address': Flags.string({
    description:
      'address Kafka listens on and advertises, resolved on the agent: a host name or IP, a prefix such as 192.168.50.* (the agent\'s address or a local interface address starting with it), or if:<nic> (its IPv4 address); "" unsets',
    helpValue: '<address>',
  }),
  'log4j-options': Flags.string({
    description:
      "log4j2 overrides k=v,... merged over Kafka's log4j2 config: <logger>=LEVEL (kafka.controller=DEBUG), rootLogger=LEVEL, log4j.logger.<name>=LEVEL, or log4j2 properties keys (appender.x.type=...); or file:log4j.properties (read here and sent as k=v,...)",
    helpValue: '<k=v,...|file:path>',
  }),
  syslog: Flags.boolean({
    description:
      "also send Kafka's log to the local syslog (UDP localhost:514, facility USER); --no-syslog turns it off",
    allowNo: true,
  }),
  volume: Flags.string({
    description:
      'id of a pre-reserved persistent volume for the data: only an offer with a disk of that persistence id matches, log.dirs = <sandbox>/<its container path, e.g. data>/kafka-logs; $id is the broker id; "" unsets',
    helpValue: '<id>',
  }),
  'java-cmd': Flags.string({ description: 'command that launches java', helpValue: '<command>' }),
}

/** REST param name for each settings flag (mesos/kafka §1.3 table). */
export const SETTINGS_PARAMS: Readonly<Record<keyof typeof settingsFlags, string>> = {
  cpus: 'cpus',
  mem: 'mem',
  heap: 'heap',
  port: 'port',
  options: 'options',
  constraints: 'constraints',
  'jvm-options': 'jvmOptions',
  'failover-delay': 'failoverDelay',
  'failover-max-delay': 'failoverMaxDelay',
  'failover-max-tries': 'failoverMaxTries',
  'stickiness-period': 'stickinessPeriod',
  'bind-address': 'bindAddress',
  'log4j-options': 'log4jOptions',
  syslog: 'syslog',
  volume: 'volume',
  'java-cmd': 'javaCmd',
}

/**
 * `file:<path>` values of `--options`/`--log4j-options` are read locally as Java properties and
 * sent as an escaped `k=v,...` map, as mesos/kafka's CLI did (§1.3). Other values pass through.
 *
 * @throws KmCliError `--<flag>: cannot read file "<path>": <reason>`.
 */
export function expandFileValue(flag: string, value: string, cwd = process.cwd()): string {
  if (!value.startsWith('file:')) return value
  const path = value.slice('file:'.length)
  let text: string
  try {
    text = readFileSync(path.startsWith('/') ? path : `${cwd}/${path}`, 'utf8')
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e)
    throw new KmCliError(`--${flag}: cannot read file "${path}": ${reason}`, 'KM_ERR_FILE')
  }
  return formatMap(parseProperties(text))
}

/** Turns parsed settings flags into REST params (only flags that were given). */
export function settingsParams(flags: Partial<Record<keyof typeof settingsFlags, string | boolean>>): Params {
  const params: Params = {}
  for (const [flag, param] of Object.entries(SETTINGS_PARAMS) as Array<[keyof typeof settingsFlags, string]>) {
    const v = flags[flag]
    if (v === undefined) continue
    if (typeof v === 'boolean') params[param] = String(v)
    else params[param] = flag === 'options' || flag === 'log4j-options' ? expandFileValue(flag, v) : v
  }
  return params
}

/** Base class of the broker commands. Subclasses parse, call {@link BrokerCommand.call}, and format. */
export abstract class BrokerCommand extends Command {
  static enableJsonFlag = true

  /**
   * POSTs to `<api>/api/broker/<op>`.
   * @throws KmCliError with the server's message (exit 1) on any failure.
   */
  protected async call(op: string, apiFlag: string | undefined, params: Params): Promise<JsonValue> {
    return this.post(`broker/${op}`, apiFlag, params)
  }

  /**
   * POSTs to `<api>/api/<path>` (any endpoint group, e.g. `controller/list`).
   * @throws KmCliError with the server's message (exit 1) on any failure.
   */
  protected async post(path: string, apiFlag: string | undefined, params: Params): Promise<JsonValue> {
    try {
      return await post(resolveApi({ flag: apiFlag }), path, params)
    } catch (e) {
      throw this.toCliError(e)
    }
  }

  /** Validates an answer for the human output. @throws KmCliError on an unexpected shape. */
  protected decode<S extends z.ZodType>(schema: S, op: string, json: JsonValue): z.output<S> {
    try {
      return decode(schema, `broker/${op}`, json)
    } catch (e) {
      throw this.toCliError(e)
    }
  }

  /** Fails the command: `Error: <message>` on stderr (or the error JSON with --json), exit 1. */
  protected fail(message: string, code = 'KM_ERR_CLI'): never {
    throw new KmCliError(message, code)
  }

  private toCliError(e: unknown): Error {
    if (e instanceof KmCliError) return e
    if (e instanceof ApiError) return new KmCliError(e.message, e.code)
    if (e instanceof ValueError) return new KmCliError(e.message, e.code)
    return e instanceof Error ? e : new Error(String(e))
  }

  /** Prints our failures exactly as mesos/kafka did (`Error: <message>`, no decoration), exit 1. */
  protected async catch(err: Interfaces.CommandError): Promise<unknown> {
    if (err instanceof KmCliError && !this.jsonEnabled()) {
      process.stderr.write(`Error: ${err.message}\n`)
      process.exitCode = 1
      this.exit(1) // throws an ExitError, which oclif does not print
    }
    return super.catch(err)
  }

  /** With --json, failures print `{"error":"<message>","code":"KM_..."}` like the REST API. */
  protected toErrorJson(err: unknown): unknown {
    if (err instanceof KmCliError) return { error: err.message, code: err.kmCode }
    return super.toErrorJson(err)
  }
}
