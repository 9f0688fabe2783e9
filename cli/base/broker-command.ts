/** The base of every command that calls the scheduler's REST API: the call, the answer's check, and mesos/kafka's `Error: <message>` output. */
// Subclasses parse, call, and print (docs/cli.md). mesos/kafka's CLI printed failures as `Error: <message>`
// and exited 1 (`main` in src/scala/main/ly/stealth/mesos/kafka/cli/Cli.scala); with --json a failure is
// the REST API's error JSON `{"error","code"}`.

import { Command, type Interfaces } from '@oclif/core'
import type { z } from 'zod'
import { ValueError } from '../../contract/index.js'
import type { ErrorCode } from '../../errors/index.js'
import {
  type CredentialFlags,
  decode,
  type JsonValue,
  type Params,
  post,
  resolveApi,
  SchedulerApiError,
  useCredentialFlags,
} from '../client/index.js'
import { KmCliError } from './cli-error.js'

/** Base class of every REST command (its `call` posts to `broker/<op>`). Subclasses parse, call, and print. */
export abstract class BrokerCommand extends Command {
  static enableJsonFlag = true

  /** Takes the credential flags (--user, --password, --token) for every call the command makes. */
  async init(): Promise<void> {
    await super.init()
    const { flags } = await this.parse()
    useCredentialFlags(flags as CredentialFlags)
  }

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
  protected fail(message: string, code: ErrorCode = 'KM_ERR_CLI'): never {
    throw new KmCliError(code, message)
  }

  /** Our errors as a KmCliError (printed `Error: <message>`); others as they are. */
  protected toCliError(e: unknown): Error {
    if (e instanceof KmCliError) return e
    if (e instanceof SchedulerApiError) return new KmCliError(e.code, e.message, e.serverCode)
    if (e instanceof ValueError) return new KmCliError(e.code, e.message)
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
    if (err instanceof KmCliError) return { error: err.message, code: err.reportedCode }
    return super.toErrorJson(err)
  }
}
