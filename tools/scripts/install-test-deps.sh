#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine: PostgreSQL server binaries and redis-server (the
# integration and end-to-end tests start private instances from them when no container engine answers) and
# helm/kubectl for the chart tests, Redocly CLI for the OpenAPI lint. Idempotent; prints what it does. As root it installs directly, otherwise through sudo.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

packages=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  packages+=(postgresql)
fi
command -v unzip >/dev/null 2>&1 || packages+=(unzip)
# promtool validates the chart's alert rules (tests/LogDapr.Observability.Tests); Debian ships it with prometheus.
command -v promtool >/dev/null 2>&1 || packages+=(prometheus)
[ -x /usr/bin/redis-server ] || command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)

if [ ${#packages[@]} -gt 0 ]; then
  echo "install-test-deps: installing ${packages[*]} (apt-get)"
  if [ "$(id -u)" -eq 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "install-test-deps: not root and no sudo; install these yourself: apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

if [ -x "$repo/tools/scripts/ensure-helm.sh" ]; then
  "$repo/tools/scripts/ensure-helm.sh" >/dev/null
fi
# Redocly CLI lints the services' OpenAPI documents (tests/LogDapr.Observability.Tests/Documentation).
"$repo/tools/scripts/ensure-redocly.sh" >/dev/null
echo "install-test-deps: ready"
