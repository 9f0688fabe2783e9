#!/usr/bin/env bash
# Installs the Debian packages the project needs when they are missing (run by `npm test`,
# `npm run quickstart` and .ci/run, so that the README's two commands are the whole set-up).
# Usage: scripts/system-deps.sh [java] [maven] [etcd]
#   java  -> openjdk-17-jre-headless (Kafka 4.x runs on Java 17+)
#   maven -> maven (fetches Kafka's jars from Maven Central)
#   etcd  -> etcd-server (the HA tests run a real etcd)
set -uo pipefail

need=()
for what in "$@"; do
  case "$what" in
    java) command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless) ;;
    maven) command -v mvn >/dev/null 2>&1 || need+=(maven) ;;
    etcd) command -v etcd >/dev/null 2>&1 || need+=(etcd-server) ;;
    *) echo "system-deps: unknown dependency '$what' (known: java maven etcd)" >&2; exit 2 ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    echo "system-deps: missing ${need[*]}; install them (apt-get install ${need[*]}) or run as root" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: missing ${need[*]} and no apt-get here; install them with your package manager" >&2
  exit 1
fi
echo "installing ${need[*]} (apt-get)"
"${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${need[@]}" || {
  echo "system-deps: could not install ${need[*]}" >&2
  exit 1
}
