#!/usr/bin/env bash
# The reference for the fleet benchmark: what an operator's script does to start KRaft nodes without a framework.
#
#   KAFKA_DIR=<kafka_2.13-4.4.0> JAVA=java HEAP_MB=128 CONTROLLER_HEAP_MB=256 CLUSTER_ID=<22 chars> JVM_OPTS="-server ..." \
#     bash bench/start-brokers.sh <controller dir> <controller host:port> <broker dir>...
#
# Each dir holds the node's server.properties (written by the benchmark exactly as the executor renders
# it). As Kafka's quickstart does (docs/getting-started/quickstart.md, "Start the Kafka environment"),
# each node's storage is formatted with kafka-storage (StorageTool) and the node is started with
# kafka-server-start's command line (bin/kafka-server-start.sh, bin/kafka-run-class.sh): the
# controller first (formatted --standalone), and once it listens, every broker at once in the
# background (formatted --no-initial-controllers). Output goes to <dir>/stdout; pids to <dir>/pid.
# The script returns once every broker JVM is started; the benchmark waits until they serve.
set -euo pipefail

: "${KAFKA_DIR:?KAFKA_DIR is the Kafka distribution}" "${HEAP_MB:?}" "${CLUSTER_ID:?}"
JAVA="${JAVA:-java}"
JVM_OPTS="${JVM_OPTS:-}"
CP="$KAFKA_DIR/libs/*"
LOG4J="$KAFKA_DIR/config/log4j2.yaml"

[ $# -ge 3 ] || { echo "usage: start-brokers.sh <controller dir> <host:port> <broker dir>..." >&2; exit 2; }
controller="$1"
endpoint="$2"
shift 2

format() { # <dir> <mode flag>
  "$JAVA" -Xmx256m -Dkafka.logs.dir="$1/logs" -Dlog4j2.configurationFile="$LOG4J" -cp "$CP" \
    kafka.tools.StorageTool format -c "$1/server.properties" --cluster-id="$CLUSTER_ID" --ignore-formatted "$2" \
    >"$1/format.out" 2>&1
}

start() { # <dir> <heap MB>
  # shellcheck disable=SC2086 # JVM_OPTS is a list of flags
  "$JAVA" -Xmx"${2}m" -Xms"${2}m" $JVM_OPTS -Dkafka.logs.dir="$1/logs" \
    -Dlog4j2.configurationFile="$LOG4J" -cp "$CP" kafka.Kafka "$1/server.properties" >"$1/stdout" 2>&1 &
  echo $! >"$1/pid"
}

format "$controller" --standalone
start "$controller" "${CONTROLLER_HEAP_MB:-$HEAP_MB}"
host="${endpoint%:*}"
port="${endpoint##*:}"
for _ in $(seq 1 600); do
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && break
  sleep 0.1
done

for dir in "$@"; do
  (format "$dir" --no-initial-controllers && start "$dir" "$HEAP_MB") &
done
wait
