#!/usr/bin/env bash
# Assembles a runnable Apache Kafka (KRaft) distribution into .cache/kafka/ and packs it as one tgz that
# the scheduler serves to agents (README, "Kafka: version and where it comes from").
#
#   bash scripts/kafka/assemble.sh                       # build kafka_2.13-4.4.0 from Maven Central jars
#   bash scripts/kafka/assemble.sh --kafka-dist F.tgz    # or a folder; use an Apache binary distribution
#   KAFKA_DIST=F.tgz bash scripts/kafka/assemble.sh      # same as --kafka-dist
#   bash scripts/kafka/assemble.sh --force               # rebuild even if the cache is complete
#
# Output: .cache/kafka/<name>.tgz (top folder <name>/), and .cache/kafka/current holding that tgz path;
# beside it the Jolokia JVM agent .cache/kafka/jolokia-agent-jvm-<v>-javaagent.jar (pom.xml), which the
# scheduler serves to executors for `broker metrics` (also with --kafka-dist; skipped without mvn).
# Idempotent: a complete cache is reused and only "Kafka 4.4.0 ready: <path>" is printed.
# Needs java >= 17 (Kafka 4.0 brokers and tools need Java 17, KIP-1013) and, for the Maven build, mvn.
set -euo pipefail

KAFKA_VERSION=4.4.0
SCALA_VERSION=2.13
NAME="kafka_${SCALA_VERSION}-${KAFKA_VERSION}"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CACHE="$ROOT/.cache/kafka"
DIST_DIR="$CACHE/$NAME"
TGZ="$CACHE/$NAME.tgz"

die() { echo "assemble.sh: error: $*" >&2; exit 1; }
log() { echo "assemble.sh: $*" >&2; }

KAFKA_DIST_ARG="${KAFKA_DIST:-}"
FORCE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --kafka-dist) [ $# -ge 2 ] || die "--kafka-dist needs a .tgz file or a folder"; KAFKA_DIST_ARG="$2"; shift 2 ;;
    --kafka-dist=*) KAFKA_DIST_ARG="${1#--kafka-dist=}"; shift ;;
    --force) FORCE=1; shift ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
done

check_java() {
  command -v java >/dev/null 2>&1 || die "java not found on PATH; Kafka ${KAFKA_VERSION} needs Java 17 or newer (e.g. apt-get install openjdk-17-jre-headless)"
  local line major
  line="$(java -version 2>&1 | head -n 1)"
  # 'openjdk version "17.0.15" 2025-04-15' / 'java version "1.8.0_392"' / 'openjdk version "21" ...'
  major="$(printf '%s' "$line" | sed -E 's/.*version "([0-9]+)(\.([0-9]+))?.*/\1 \3/')"
  set -- $major
  if [ "${1:-0}" = "1" ]; then major="${2:-0}"; else major="${1:-0}"; fi
  case "$major" in ''|*[!0-9]*) die "cannot read the Java version from: $line" ;; esac
  [ "$major" -ge 17 ] || die "Java $major found ($line); Kafka ${KAFKA_VERSION} brokers need Java 17 or newer"
}

write_current() { # $1 = tgz path
  printf '%s\n' "$1" > "$CACHE/current.tmp" && mv -f "$CACHE/current.tmp" "$CACHE/current"
}

# Packs folder $1 (whose basename becomes the tgz's top folder) into $2, atomically.
pack() {
  local dir="$1" out="$2"
  tar -C "$(dirname "$dir")" -czf "$out.tmp" "$(basename "$dir")"
  mv -f "$out.tmp" "$out"
}

mkdir -p "$CACHE"

# The Jolokia javaagent jar (JMX over HTTP, Jolokia's JVM agent) beside the Kafka tgz, not in libs/.
JOLOKIA_VERSION="$(sed -n 's:.*<jolokia.version>\(.*\)</jolokia.version>.*:\1:p' "$HERE/pom.xml")"
JOLOKIA_JAR="$CACHE/jolokia-agent-jvm-${JOLOKIA_VERSION}-javaagent.jar"
fetch_agent() { # $1 = 1: failure is fatal
  [ -s "$JOLOKIA_JAR" ] && return 0
  if ! command -v mvn >/dev/null 2>&1; then
    [ "$1" = 1 ] && die "mvn not found; it fetches the Jolokia agent from Maven Central"
    log "mvn not found: no Jolokia agent, so 'broker metrics' will be unavailable"; return 0
  fi
  local tmp="$CACHE/.agents.work"
  rm -rf "$tmp"
  if mvn -B -q -Dstyle.color=never -f "$HERE/pom.xml" dependency:copy-dependencies \
      -DincludeArtifactIds=jolokia-agent-jvm -DoutputDirectory="$tmp" >&2 && [ -s "$tmp/$(basename "$JOLOKIA_JAR")" ]; then
    mv -f "$tmp/$(basename "$JOLOKIA_JAR")" "$JOLOKIA_JAR"
    log "Jolokia agent ready: $JOLOKIA_JAR"
  else
    [ "$1" = 1 ] && die "could not fetch org.jolokia:jolokia-agent-jvm:${JOLOKIA_VERSION}:javaagent from Maven Central"
    log "could not fetch the Jolokia agent: 'broker metrics' will be unavailable"
  fi
  rm -rf "$tmp"
}

# ---------------------------------------------------------------- --kafka-dist: an Apache distribution
if [ -n "$KAFKA_DIST_ARG" ]; then
  [ -e "$KAFKA_DIST_ARG" ] || die "--kafka-dist: no such file or folder: $KAFKA_DIST_ARG"
  check_java
  src="$(cd "$(dirname "$KAFKA_DIST_ARG")" && pwd)/$(basename "$KAFKA_DIST_ARG")"
  if [ -d "$src" ]; then
    [ -d "$src/libs" ] || die "--kafka-dist: $src has no libs/ folder; is it a Kafka binary distribution?"
    base="$(basename "$src")"
    out="$CACHE/$base.tgz"
    if [ "$FORCE" = 1 ] || [ ! -s "$out" ] || [ -n "$(find "$src" -newer "$out" -print -quit)" ]; then
      log "packing $src into $out"
      pack "$src" "$out"
    fi
  else
    case "$src" in *.tgz|*.tar.gz) ;; *) die "--kafka-dist: expected a .tgz/.tar.gz file or a folder, got $src" ;; esac
    # (no `tar | head` pipelines: under pipefail tar's SIGPIPE would abort the script)
    listing="$(tar -tzf "$src" 2>/dev/null)" || die "--kafka-dist: $src is not a readable gzip tar"
    top="${listing%%/*}"
    [ -n "$top" ] || die "--kafka-dist: $src is empty"
    case "$listing" in *"$top/libs/"*) ;; *) die "--kafka-dist: $src has no $top/libs/; is it a Kafka binary distribution?" ;; esac
    out="$CACHE/$top.tgz"
    if [ "$src" != "$out" ] && { [ "$FORCE" = 1 ] || ! cmp -s "$src" "$out"; }; then
      cp -f "$src" "$out.tmp" && mv -f "$out.tmp" "$out"
    fi
  fi
  write_current "$out"
  fetch_agent 0
  echo "Kafka distribution ready: $out"
  exit 0
fi

# ---------------------------------------------------------------- cached?
STAMP="$DIST_DIR/.assembled"
if [ "$FORCE" = 0 ] && [ -f "$STAMP" ] && [ -s "$TGZ" ] && [ "$STAMP" -nt "$HERE/pom.xml" ] && [ "$STAMP" -nt "${BASH_SOURCE[0]}" ]; then
  write_current "$TGZ"
  fetch_agent 0
  echo "Kafka ${KAFKA_VERSION} ready: $TGZ"
  exit 0
fi

check_java
command -v mvn >/dev/null 2>&1 || die "mvn (Apache Maven) not found on PATH; it fetches Kafka's jars from Maven Central (apt-get install maven), or pass --kafka-dist <kafka_2.13-X.tgz>"

log "assembling Kafka ${KAFKA_VERSION} into $DIST_DIR (Maven Central, may take a minute the first time)"
WORK="$CACHE/.$NAME.work"
rm -rf "$WORK"
mkdir -p "$WORK/libs" "$WORK/config" "$WORK/bin"

# Runtime classpath of kafka_2.13 + the log4j2 SLF4J binding (Kafka 4.0 logs through log4j2, KIP-653; kafka_2.13 does not bring the binding).
mvn -B -q -Dstyle.color=never -f "$HERE/pom.xml" dependency:copy-dependencies \
  -DincludeScope=runtime -DexcludeArtifactIds=jolokia-agent-jvm -DoutputDirectory="$WORK/libs" >&2 \
  || die "mvn dependency:copy-dependencies failed (is Maven Central reachable?)"
ls "$WORK/libs"/kafka_${SCALA_VERSION}-${KAFKA_VERSION}.jar >/dev/null 2>&1 || die "kafka_${SCALA_VERSION}-${KAFKA_VERSION}.jar missing after mvn"

# log4j2 configuration: console + server.log under ${sys:kafka.logs.dir} (the executor passes
# -Dkafka.logs.dir and -Dlog4j2.configurationFile, as Kafka's bin/kafka-run-class.sh sets them). Our own text.
cat > "$WORK/config/log4j2.yaml" <<'YAML'
# log4j2 configuration for kafka-mesos brokers and controllers.
# Console output goes to the process stdout (the executor appends it to the task sandbox's stdout);
# server.log rolls daily and at 100 MB under -Dkafka.logs.dir.
Configuration:
  name: KafkaMesos
  Properties:
    Property:
      - name: "kafka.logs.dir"
        value: "."
      - name: "logPattern"
        value: "[%d] %p %m (%c)%n"
  Appenders:
    Console:
      name: STDOUT
      target: SYSTEM_OUT
      PatternLayout:
        pattern: "${logPattern}"
    RollingFile:
      - name: ServerAppender
        fileName: "${sys:kafka.logs.dir}/server.log"
        filePattern: "${sys:kafka.logs.dir}/server.log.%d{yyyy-MM-dd}-%i"
        PatternLayout:
          pattern: "${logPattern}"
        Policies:
          TimeBasedTriggeringPolicy:
            interval: 1
          SizeBasedTriggeringPolicy:
            size: 100MB
        DefaultRolloverStrategy:
          max: 5
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: STDOUT
        - ref: ServerAppender
    Logger:
      - name: kafka
        level: INFO
      - name: org.apache.kafka
        level: INFO
      # Noisy at INFO: per-request and per-segment chatter, client configs, controller internals.
      - name: kafka.request.logger
        level: WARN
      - name: kafka.network.RequestChannel$
        level: WARN
      - name: kafka.log.LogCleaner
        level: WARN
      - name: org.apache.kafka.storage.internals.log.LogCleaner
        level: WARN
      - name: state.change.logger
        level: WARN
      - name: kafka.authorizer.logger
        level: WARN
      - name: org.apache.kafka.clients.NetworkClient
        level: WARN
      - name: org.apache.kafka.common.config.AbstractConfig
        level: WARN
      - name: org.apache.kafka.common.utils.AppInfoParser
        level: WARN
      - name: org.apache.kafka.common.metrics
        level: WARN
      - name: org.apache.kafka.storage.internals.log.LogLoader
        level: WARN
      - name: kafka.log.UnifiedLog
        level: WARN
      - name: org.apache.kafka.storage.internals.log.UnifiedLog
        level: WARN
YAML

# 4.x sample defaults (Kafka 4.x's config/server.properties, broker.properties, controller.properties); kafka-mesos renders the real
# per-node file over these (scheduler/kafka/properties.ts), so KRaft keys here are placeholders.
cat > "$WORK/config/server.properties" <<'PROPS'
# Kafka 4.x server defaults used by kafka-mesos as the base of every node's server.properties.
# Role, node id, listeners, quorum and log dirs are always replaced per node.

############################# Server Basics #############################
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:9093

############################# Socket Server Settings #############################
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
inter.broker.listener.name=PLAINTEXT
advertised.listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
num.network.threads=3
num.io.threads=8
socket.send.buffer.bytes=102400
socket.receive.buffer.bytes=102400
socket.request.max.bytes=104857600

############################# Log Basics #############################
log.dirs=/tmp/kraft-combined-logs
num.partitions=1
num.recovery.threads.per.data.dir=1

############################# Internal Topic Settings #############################
offsets.topic.replication.factor=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1

############################# Log Retention Policy #############################
log.retention.hours=168
log.segment.bytes=1073741824
log.retention.check.interval.ms=300000
PROPS

# A tiny launcher for humans poking at a sandbox; the executor runs java directly.
cat > "$WORK/bin/kafka-run-class.sh" <<'SH'
#!/usr/bin/env bash
# Minimal stand-in for Apache's kafka-run-class.sh: java -cp '<base>/libs/*' <class> [args...]
base="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "${JAVA:-java}" ${KAFKA_HEAP_OPTS:--Xmx256M} -Dlog4j2.configurationFile="$base/config/log4j2.yaml" \
  -Dkafka.logs.dir="${LOG_DIR:-$base/logs}" -cp "$base/libs/*" "$@"
SH
chmod +x "$WORK/bin/kafka-run-class.sh"
echo "$KAFKA_VERSION" > "$WORK/VERSION"

# Smoke check: the classpath resolves kafka.Kafka's entry point.
java -cp "$WORK/libs/*" kafka.tools.StorageTool random-uuid >/dev/null 2>&1 \
  || die "the assembled classpath cannot run kafka.tools.StorageTool (see $WORK/libs)"

rm -rf "$DIST_DIR"
mv "$WORK" "$DIST_DIR"
log "packing $TGZ"
pack "$DIST_DIR" "$TGZ"
touch "$STAMP"
write_current "$TGZ"
fetch_agent 1
echo "Kafka ${KAFKA_VERSION} ready: $TGZ"
