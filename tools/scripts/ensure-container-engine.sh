#!/usr/bin/env bash
# Makes a container engine available to the tests: podman with runc, and podman's Docker-compatible API
# (`podman system service`) for Testcontainers. Idempotent.
#
#   ensure-container-engine.sh install   installs podman, runc, mmdebstrap and curl (apt-get) when missing
#   ensure-container-engine.sh service   also starts the API service if it does not answer, and prints the
#                                        environment for Testcontainers as shell assignments:
#                                        DOCKER_HOST=unix://…, TESTCONTAINERS_RYUK_DISABLED=true and
#                                        LOGDAPR_TEST_CONTAINER_ULIMITS (the fixtures pass them per container)
#
# Why the extra configuration: the machines LogDapr is tested on have hybrid cgroups (crun, podman's default
# runtime, refuses them) and no CAP_SYS_RESOURCE (podman's default ulimits cannot be set). The CLI takes
# --runtime and --ulimit per call. Through the API, the runtime comes from containers.conf, so the service runs
# with its own (CONTAINERS_CONF) instead of changing the machine's; podman 4.3's API ignores containers.conf's
# default_ulimits, so the test fixtures set the limits on each container they create. Ryuk, Testcontainers' reaper,
# is an image from Docker Hub, which these machines cannot pull: the fixtures remove their containers themselves.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
log() { echo "ensure-container-engine: $*" >&2; }

install_tools() {
  local missing=()
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]} (apt-get)"
  local sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

answers() {
  curl --silent --fail --max-time 2 --unix-socket "$1" http://d/_ping >/dev/null 2>&1
}

start_service() {
  local dir="$repo/.tools/podman" socket conf
  mkdir -p "$dir"
  socket="$dir/podman.sock"
  # A Unix socket path has at most 107 bytes.
  if [ ${#socket} -gt 100 ]; then
    socket="${TMPDIR:-/tmp}/logdapr-podman-$(printf '%s' "$repo" | sha256sum | cut -c1-12).sock"
  fi
  conf="$dir/containers.conf"
  if answers "$socket"; then
    environment "$socket"
    return
  fi
  cat > "$conf" <<CONF
# Written by tools/scripts/ensure-container-engine.sh for the podman API service the tests use.
[containers]
default_ulimits = ["nofile=1024:20000", "nproc=4096:4096"]

[engine]
runtime = "runc"
CONF
  rm -f "$socket"
  log "starting podman system service on $socket (log: $dir/service.log)"
  # --time=0: the service lives until the machine stops; setsid so that a test run's process group ending does
  # not take it down between the two phases of test.sh.
  CONTAINERS_CONF="$conf" setsid nohup podman system service --time=0 "unix://$socket" >"$dir/service.log" 2>&1 < /dev/null &
  for _ in $(seq 1 100); do
    answers "$socket" && break
    sleep 0.1
  done
  if ! answers "$socket"; then
    log "podman system service did not answer on $socket; see $dir/service.log"
    exit 1
  fi
  environment "$socket"
}

environment() {
  echo "DOCKER_HOST=unix://$1"
  echo "TESTCONTAINERS_RYUK_DISABLED=true"
  echo "LOGDAPR_TEST_CONTAINER_ULIMITS=nofile=1024:20000,nproc=4096:4096"
}

case "${1:-}" in
  install) install_tools ;;
  service) install_tools; start_service ;;
  *) echo "usage: $0 install|service" >&2; exit 2 ;;
esac
