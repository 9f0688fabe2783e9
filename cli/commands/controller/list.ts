/** `kafka-mesos controller list`: show the KRaft controller quorum: leader, epoch, and each voter's lag. */
import { Flags } from '@oclif/core'

import Table from 'cli-table3'
import { z } from 'zod'
import { apiFlags, BrokerCommand } from '../../base/index.js'
import type { JsonValue } from '../../client/index.js'

const Member = z.looseObject({
  id: z.number(),
  role: z.string(),
  logEndOffset: z.number(),
  lag: z.number(),
  lastCaughtUpTimestamp: z.number(),
})
const ControllerListResponse = z.looseObject({
  controllers: z.array(
    z.looseObject({
      id: z.union([z.string(), z.number()]).transform(String),
      state: z.string(),
      endpoint: z.string().optional(),
      membership: z.string().optional(),
      waiting: z.looseObject({ reason: z.string() }).optional(),
      task: z.looseObject({ id: z.string(), attributes: z.record(z.string(), z.string()).optional() }).optional(),
    }),
  ),
  brokersWaitFor: z.string().nullish(),
  quorum: z
    .looseObject({
      leaderId: z.number(),
      leaderEpoch: z.number(),
      highWatermark: z.number(),
      voters: z.array(Member),
      observers: z.array(Member),
    })
    .nullable(),
  quorumError: z.string().optional(),
  change: z.looseObject({ summary: z.string(), phase: z.string() }).nullish(),
})

/** `controller list`: the KRaft quorum the scheduler runs, with Kafka's own view of it (issue 7). */
export default class ControllerList extends BrokerCommand {
  static summary = "Show the KRaft controller quorum: leader, epoch, and each voter's lag."
  static description = `The scheduler runs the KRaft controllers itself (--controllers on "scheduler" and "local").
This lists them with their state and endpoint, and asks Kafka (DescribeQuorum) for the leader, the
epoch and how far each voter and observer (broker) is behind the leader's high watermark.`
  static examples = ['<%= config.bin %> controller list', '<%= config.bin %> controller list --json']
  static flags = { ...apiFlags, observers: Flags.boolean({ description: 'also list observers (the brokers)' }) }

  async run(): Promise<JsonValue> {
    const { flags } = await this.parse(ControllerList)
    const json = await this.post('controller/list', flags.api, {})
    if (this.jsonEnabled()) return json
    const res = this.decode(ControllerListResponse, 'list', json)
    const q = res.quorum
    if (q) this.log(`quorum: leader ${q.leaderId}, epoch ${q.leaderEpoch}, high watermark ${q.highWatermark}`)
    else this.log(`quorum: unknown (${res.quorumError ?? 'not described'})`)
    if (res.brokersWaitFor) this.log(`brokers: ${res.brokersWaitFor}`)
    if (res.change)
      this.log(
        `${res.change.phase === 'done' || res.change.phase === 'failed' ? 'last change' : 'change'}: ${res.change.summary}`,
      )
    const table = new Table({
      head: ['id', 'state', 'endpoint', 'rack', 'role', 'lag', 'task'],
      style: { head: [], border: [] },
    })
    const waits: string[] = []
    for (const c of res.controllers) {
      const m = q?.voters.find((v) => String(v.id) === c.id)
      const o = q?.observers.find((v) => String(v.id) === c.id)
      const role =
        m?.role ??
        (o ? `observer${c.membership ? ` (${c.membership})` : ''}` : (c.membership ?? (q ? 'not a voter' : '?')))
      const lag = m ?? o
      table.push([
        c.id,
        c.state,
        c.endpoint ?? '-',
        c.task?.attributes?.rack ?? '-',
        role,
        lag ? String(lag.lag) : '?',
        c.task?.id ?? '-',
      ])
      if (c.waiting) waits.push(`controller ${c.id} waits: ${c.waiting.reason}`)
    }
    if (flags.observers && q)
      for (const o of q.observers)
        if (!res.controllers.some((c) => c.id === String(o.id)))
          table.push([String(o.id), '', '', '', 'observer', String(o.lag), ''])
    this.log(table.toString())
    for (const w of waits) this.log(w)
    return json
  }
}
