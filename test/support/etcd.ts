/** A single-member etcd for tests (the one `kafka-mesos local` starts), for tests outside cli/. */

// One implementation for `kafka-mesos local` and the tests; scheduler/ and core-cluster/ tests reach it
// here so that they do not import cli/ themselves.
export { type EtcdProcess, startEtcd } from '../../cli/daemon/etcd-process.js'
