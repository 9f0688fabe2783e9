/** The CLI's own failure: printed as `Error: <message>` on stderr with exit code 1, or as `{"error","code"}` with --json. */
// mesos/kafka's CLI printed `Error: <message>` and exited 1 (`main` in src/scala/main/ly/stealth/mesos/kafka/cli/Cli.scala).
// BrokerCommand.catch prints it so; it is not an oclif CLIError, whose output has more decoration.

import { type ErrorCode, KmError } from '../../errors/index.js'

/** A failed command: `code` from the error table, `message` what the user reads after `Error: `. */
export class KmCliError extends KmError {
  /**
   * The code --json prints: `code`, or the scheduler's own when it sent one this CLI's table does not
   * know (see SchedulerApiError.serverCode).
   */
  readonly reportedCode: string
  constructor(code: ErrorCode, message: string, reportedCode: string = code) {
    super(code, message)
    this.reportedCode = reportedCode
  }
}
