/** The controller routes: `controller list` and `controller add|remove|replace` (quorum/commands.ts). */

/**
 * `GET|POST /api/controller/list`: the KRaft controllers the scheduler runs (node JSON plus
 * endpoint, `waiting` while one waits for an offer, `membership` while joining or leaving) and,
 * when reachable, the quorum from Kafka's own DescribeQuorum v2 (leader, epoch, each voter's lag and
 * directory id); `quorumError` says why the quorum could not be described; `change` is the current
 * or last voter change with its progress.
 *
 * `POST /api/controller/add`, `/api/controller/remove?controller=<id>`,
 * `/api/controller/replace?controller=<id>` (`timeout`, a period, default 2m; `0` = don't wait):
 * change the voter set (KIP-853, quorum/changer.ts). Answers `{status: done|failed|in progress,
 * change, controllers}`; a change that may not start is HTTP 400 (409 while another runs, 503
 * without a quorum leader) naming the reason.
 */

import type { Hono } from 'hono'
import type { Logger } from 'pino'
import { z } from 'zod'
import { parsePeriod } from '../../contract/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { changeVoters, controllerList, type QuorumChangeOp } from '../quorum/index.js'
import { ApiError, readParams, validate, via } from './params.js'

const ChangeParamsSchema = z.object({
  controller: z
    .string()
    .trim()
    .regex(/^\d+$/, 'controller: expected the node id of a controller such as 1000001 (see controller list)')
    .transform(Number)
    .optional(),
  timeout: via((s) => parsePeriod(s, 'timeout')).optional(),
})

/** Registers the controller routes (see the module doc). */
export function controllerRoutes(app: Hono, scheduler: KafkaScheduler, log?: Logger): void {
  app.on(['GET', 'POST'], '/api/controller/list', async (c) => c.json(await controllerList(scheduler)))

  for (const op of ['add', 'remove', 'replace'] as const satisfies readonly QuorumChangeOp[]) {
    app.post(`/api/controller/${op}`, async (c) => {
      const p = validate(ChangeParamsSchema, await readParams(c))
      if (op !== 'add' && p.controller === undefined)
        throw new ApiError(
          400,
          'controller: required, the node id of a controller such as 1000001 (see controller list)',
        )
      return c.json(await changeVoters(scheduler, op, p, log))
    })
  }
}
