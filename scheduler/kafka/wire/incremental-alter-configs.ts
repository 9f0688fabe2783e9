/** IncrementalAlterConfigs v1 (KIP-339) on the wire, for a broker's own dynamic configs. */

import { KmError } from '../../../errors/index.js'
import { type Reader, Writer } from './codec.js'
import { request, splitEndpoint } from './connection.js'
import { kafkaErrorName } from './errors.js'

/**
 * IncrementalAlterConfigs (API key 44, KIP-339), version 1 (flexible, KIP-482): changes some configs
 * of a resource and leaves its other dynamic configs alone (kafkajs 2.2.4 only has AlterConfigs,
 * which replaces them all). Used for a broker's own dynamic configs: the BROKER resource named by
 * its node id, sent to that broker itself (Kafka's AdminClient routes per-broker resources the same
 * way; the broker validates them before the controller stores them in the metadata log).
 * Request/response schemas: Kafka's `IncrementalAlterConfigsRequest.json` / `...Response.json`.
 */
export const INCREMENTAL_ALTER_CONFIGS_API_KEY = 44
const VERSION = 1

/** ConfigResource types (Kafka `ConfigResource.Type`). */
export const RESOURCE_TYPE = { TOPIC: 2, BROKER: 4 } as const
/** AlterConfigOp.OpType ids. */
export const CONFIG_OP = { SET: 0, DELETE: 1 } as const

/** One config change: `value` for SET, none for DELETE. */
export interface ConfigChange {
  name: string
  op: 'set' | 'delete'
  value?: string
}

/** Kafka refused the change: `kafkaCode` and Kafka's own message. The API answers 400. */
export class AlterConfigsError extends KmError {
  constructor(
    readonly kafkaCode: number,
    readonly kafkaMessage: string | null,
  ) {
    super('KM_ERR_KAFKA_REFUSED', `${kafkaErrorName(kafkaCode)}${kafkaMessage ? `: ${kafkaMessage}` : ''}`, {
      status: 400,
    })
  }
}

/** Encodes an IncrementalAlterConfigs v1 request body for one resource. */
export function incrementalAlterConfigsRequest(
  resourceType: number,
  resourceName: string,
  changes: readonly ConfigChange[],
  validateOnly: boolean,
): Buffer {
  return new Writer()
    .compactArray([resourceName], (w, name) => {
      w.int8(resourceType)
        .compactString(name)
        .compactArray(changes, (w2, c) => {
          w2.compactString(c.name)
            .int8(c.op === 'set' ? CONFIG_OP.SET : CONFIG_OP.DELETE)
            .compactNullableString(c.op === 'set' ? (c.value ?? '') : null)
            .tags()
        })
        .tags()
    })
    .bool(validateOnly)
    .tags()
    .build()
}

/**
 * Decodes an IncrementalAlterConfigs v1 response body.
 * @throws AlterConfigsError for the first resource with an error code; WireError for a malformed body
 */
export function parseIncrementalAlterConfigs(r: Reader): void {
  r.int32() // throttle time ms
  const resources = r.compactArray((x) => {
    const out = {
      errorCode: x.int16(),
      errorMessage: x.compactNullableString(),
      resourceType: x.int8(),
      resourceName: x.compactString(),
    }
    x.tags()
    return out
  })
  r.tags()
  for (const res of resources) if (res.errorCode !== 0) throw new AlterConfigsError(res.errorCode, res.errorMessage)
}

/**
 * Sets and deletes dynamic configs of broker `nodeId` on that broker (`endpoint` `host:port`).
 * `validateOnly` asks Kafka to check the change without making it.
 * @throws AlterConfigsError when Kafka refuses (bad value, unknown config ...); Error when the broker can't be reached
 */
export async function alterBrokerConfigs(
  endpoint: string,
  nodeId: number,
  changes: readonly ConfigChange[],
  opts: { validateOnly?: boolean; timeoutMs?: number } = {},
): Promise<void> {
  if (changes.length === 0) return
  const { host: h, port } = splitEndpoint(endpoint)
  const host = h.replace(/^\[(.*)\]$/, '$1')
  const r = await request({
    host,
    port,
    apiKey: INCREMENTAL_ALTER_CONFIGS_API_KEY,
    apiVersion: VERSION,
    body: incrementalAlterConfigsRequest(RESOURCE_TYPE.BROKER, String(nodeId), changes, opts.validateOnly ?? false),
    flexible: true,
    timeoutMs: opts.timeoutMs ?? 10_000,
  })
  parseIncrementalAlterConfigs(r)
}
