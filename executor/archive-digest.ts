/** The check of the Kafka archive the agent fetched against the sha256 its task carries, before Kafka starts. */
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { KafkaTaskData } from '../contract/index.js'
import { FETCHED_DIGESTS_FILE, readFetchedDigests, sha256OfFile } from '../core-cluster/client/index.js'

/**
 * Checks the Kafka archive of a task (`kafkaArchive` in its task data: the file name and the sha256
 * the scheduler computed when it started serving it) against the digest of the bytes the agent
 * fetched, which the agent's fetcher lists in `<sandbox>/fetched.sha256`; when the agent did not
 * list it, the archive's copy in the sandbox is hashed. Code `KM_ERR_ARTIFACT_DIGEST` in the message.
 * @returns undefined when it matches (or the task carries no digest); else the reason, for TASK_FAILED
 */
export async function kafkaArchiveProblem(
  archive: KafkaTaskData['kafkaArchive'],
  sandbox: string,
): Promise<string | undefined> {
  if (!archive) return undefined
  let got = readFetchedDigests(sandbox).get(archive.name)
  if (got === undefined) {
    const copy = path.join(sandbox, archive.name)
    if (!existsSync(copy))
      return `KM_ERR_ARTIFACT_DIGEST: the agent listed no sha256 for the Kafka archive ${archive.name} (${FETCHED_DIGESTS_FILE} in the sandbox), and no copy of it is in the sandbox to check; not starting Kafka`
    got = await sha256OfFile(copy)
  }
  if (got === archive.sha256) return undefined
  return `KM_ERR_ARTIFACT_DIGEST: the Kafka archive ${archive.name} has sha256 ${got}, but the task expects ${archive.sha256}: it was changed after the scheduler read it, or on its way to the agent; not starting Kafka`
}
