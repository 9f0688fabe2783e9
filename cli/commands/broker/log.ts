/** `kafka-mesos broker log`: print the last lines of a broker's stdout, stderr or Kafka log file. */
import { Args, Flags } from '@oclif/core'

import { z } from 'zod'

import { CONTROLLER_BASE_ID } from '../../../contract/index.js'
import { apiFlags, BrokerCommand } from '../../base/index.js'
import type { JsonValue } from '../../client/index.js'

const LogResult = z.looseObject({
  status: z.enum(['ok', 'timeout', 'failure']),
  content: z.string(),
  error: z.string().optional(),
})
const LogResponse = z.union([LogResult, z.record(z.string(), LogResult)])

/** `broker log <id>`: POST /api/broker/log, as mesos/kafka's (src/scala/main/ly/stealth/mesos/kafka/cli/BrokerCli.scala, src/scala/main/ly/stealth/mesos/kafka/scheduler/BrokerLogManager.scala). */
export default class BrokerLog extends BrokerCommand {
  static summary = "Print the last lines of a broker's stdout, stderr or Kafka log file."
  static description = [
    "The scheduler asks the broker's executor (a framework message through the master and the agent) for the last --lines lines of the file, at most 100 KB, and prints them.",
    "--name stdout (default) is Kafka's console output, stderr the executor's own log; server.log or any other *.log comes from the Kafka log dir.",
    'Fails with "broker N log retrieve timeout" when no answer comes within --timeout (default 30s), and names the missing file and the ones there are when --name does not exist.',
  ].join('\n\n')
  static examples = [
    '<%= config.bin %> broker log 0',
    '<%= config.bin %> broker log 0 --name server.log --lines 50',
    '<%= config.bin %> broker log 1 --name stderr --timeout 10s',
  ]
  static args = {
    id: Args.string({
      description:
        'broker id (an expression such as 0..2 prints each broker in turn; a KRaft controller id such as 1000000 works too)',
      required: true,
    }),
  }
  static flags = {
    ...apiFlags,
    name: Flags.string({
      description: 'stdout, stderr, or a *.log file of the Kafka log dir such as server.log',
      default: 'stdout',
      helpValue: '<name>',
    }),
    lines: Flags.string({
      description: 'how many lines from the end (at most 100 KB in all)',
      default: '100',
      helpValue: '<count>',
    }),
    timeout: Flags.string({
      description: 'how long to wait for the answer, a period such as 30s',
      helpValue: '<period>',
    }),
  }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(BrokerLog)
    const json = await this.call('log', flags.api, {
      broker: args.id,
      name: flags.name,
      lines: flags.lines,
      timeout: flags.timeout,
    })
    if (json === null) this.fail(`broker ${args.id}: no broker matched`, 'KM_ERR_NOT_FOUND')
    const res = this.decode(LogResponse, 'log', json)
    const single = LogResult.safeParse(res)
    const results: Array<[string | undefined, z.output<typeof LogResult>]> = single.success
      ? [[undefined, single.data]]
      : Object.entries(res as Record<string, z.output<typeof LogResult>>)
    const failed = results.filter(([, r]) => r.status !== 'ok')
    if (this.jsonEnabled()) {
      if (failed.length > 0) process.exitCode = 1
      return json
    }
    for (const [id, r] of results) {
      if (r.status !== 'ok') continue
      if (id !== undefined)
        this.log(`==> ${Number(id) >= CONTROLLER_BASE_ID ? 'controller' : 'broker'} ${id} ${flags.name} <==`)
      process.stdout.write(r.content.endsWith('\n') || r.content === '' ? r.content : `${r.content}\n`)
    }
    if (failed.length > 0)
      this.fail(
        failed.map(([, r]) => r.error ?? `broker log ${r.status}`).join('; '),
        failed.some(([, r]) => r.status === 'timeout') ? 'KM_ERR_TIMEOUT' : 'KM_ERR_LOG',
      )
    return json
  }
}
