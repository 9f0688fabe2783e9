/** `--storage`: the store a spec names (`file:<path>` or `etcd:http://host:port/<prefix>`). */

import { EtcdStateStore } from './etcd-store.js'
import { FileStateStore } from './file-store.js'
import type { StateStore } from './state-store.js'
import { StorageError } from './storage-error.js'

/**
 * Parses `--storage` (mesos/kafka's option): `file:<path>` (relative to the working directory), or
 * `etcd:http://host:2379/<prefix>` (state under the key `<prefix>/state`, for HA).
 * @throws StorageError naming the supported forms
 */
export function openStore(spec: string): StateStore {
  if (spec.startsWith('file:') && spec.length > 5) return new FileStateStore(spec.slice(5))
  if (spec.startsWith('etcd:')) {
    let url: URL
    try {
      url = new URL(spec.slice(5))
    } catch {
      throw new StorageError(`storage: "${spec}" is not etcd:http://host:port/<prefix>`)
    }
    const key = url.pathname.replace(/^\/+|\/+$/g, '') || 'kafka-mesos'
    return new EtcdStateStore(`${url.protocol}//${url.host}`, `${key}/state`)
  }
  throw new StorageError(
    `storage: unsupported "${spec}", expected file:<path> such as file:kafka-mesos.json, or etcd:http://host:2379/<prefix>`,
  )
}
