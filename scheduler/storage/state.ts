/** The scheduler's state document: its schema (nodes from contract/'s one node schema) and type. */

import { z } from 'zod'
import { NodeSchema } from '../../contract/index.js'
import { StorageError } from './storage-error.js'

/** The scheduler's whole persisted state (one JSON document). */
export const SchedulerStateSchema = z.object({
  /** marks our documents; a file without it is foreign and is refused */
  kind: z.literal('kafka-mesos-state'),
  version: z.literal(1),
  frameworkId: z.string().optional(),
  /** KRaft cluster id, chosen once by the scheduler */
  clusterId: z.string(),
  brokers: z.array(NodeSchema),
  controllers: z.array(NodeSchema),
  /** the KRaft voter set the quorum was formed with (`id@host:port:directoryId,...`); set once */
  initialControllers: z.string().optional(),
  /** the next id for a controller added later (ids are never reused: a host may keep an old metadata log) */
  nextControllerId: z.number().int().optional(),
  /** the current (or last) change of the KRaft voter set (KIP-853), the quorum change of scheduler/kafka/quorum-change.ts */
  quorumChange: z
    .object({
      op: z.enum(['add', 'remove', 'replace']),
      joining: z.number().int().optional(),
      leaving: z.number().int().optional(),
      phase: z.enum(['placing', 'catching-up', 'adding', 'removing', 'stopping', 'done', 'failed']),
      startedAt: z.number(),
      updatedAt: z.number(),
      /** what is happening now, e.g. `observer, 12 records behind the leader` */
      detail: z.string().optional(),
      progress: z.array(z.object({ time: z.number(), text: z.string() })),
      error: z.string().optional(),
    })
    .optional(),
})

export type SchedulerState = z.infer<typeof SchedulerStateSchema>

/**
 * Parses and checks a stored state document.
 * @param where names the source in messages, e.g. `state file kafka-mesos.json`
 * @throws StorageError for bad JSON or a document that is not kafka-mesos state (never overwritten)
 */
export function parseState(text: string, where: string): SchedulerState {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new StorageError(
      `${where} is not valid JSON (${(e as Error).message}); it was left untouched: restore it or move it away to start empty`,
    )
  }
  const parsed = SchedulerStateSchema.safeParse(json)
  if (!parsed.success) {
    throw new StorageError(
      `${where} is not kafka-mesos state: ${z.prettifyError(parsed.error)}; it was left untouched: use another --storage or move it away`,
    )
  }
  return parsed.data
}
