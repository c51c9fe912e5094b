#!/usr/bin/env bash
# Runs every LogDapr test: unit, property, integration (real Postgres and Redis, through Testcontainers), end-to-end (real processes),
# operator and chart tests, then the container images (built with podman) and the pipeline run in containers. Installs what they need first (see tools/scripts/install-test-deps.sh).
# Extra arguments go to `dotnet test`, e.g. ./test.sh --filter FullyQualifiedName~EndToEnd
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
tools/scripts/install-test-deps.sh
# The Postgres and Redis fixtures run through Testcontainers on podman's Docker-compatible API, on local stand-ins
# for the official images (deploy/test-images); without an engine they fall back to the machine's binaries.
# LOGDAPR_TEST_BACKEND=binaries skips the engine; in CI the engine is required, so a fallback cannot hide it.
if [[ "${LOGDAPR_TEST_BACKEND:-auto}" != binaries ]]; then
  if engine_env="$(tools/scripts/ensure-container-engine.sh service)" && tools/scripts/build-images.sh postgres redis >/dev/null; then
    while IFS= read -r assignment; do export "${assignment?}"; done <<< "$engine_env"
    export LOGDAPR_TEST_BACKEND=containers
    export LOGDAPR_TEST_POSTGRES_IMAGE="${LOGDAPR_TEST_POSTGRES_IMAGE:-localhost/logdapr-test/postgres:15}"
    export LOGDAPR_TEST_REDIS_IMAGE="${LOGDAPR_TEST_REDIS_IMAGE:-localhost/logdapr-test/redis:7}"
    echo "test.sh: Postgres and Redis fixtures: Testcontainers on podman ($DOCKER_HOST; $LOGDAPR_TEST_POSTGRES_IMAGE, $LOGDAPR_TEST_REDIS_IMAGE)"
  elif [[ "${CI:-}" == true ]]; then
    echo "test.sh: the container engine could not be started (above); CI requires it" >&2
    exit 1
  else
    echo "test.sh: no container engine; Postgres and Redis fixtures: the machine's binaries"
  fi
else
  echo "test.sh: Postgres and Redis fixtures: the machine's binaries (LOGDAPR_TEST_BACKEND=binaries)"
fi
if [[ " $* " == *" --filter "* ]]; then
  exec dotnet test LogDapr.sln -c Release --nologo "$@"
fi
# The container tests build every image (minutes of both cores); run alone, after the rest, so they do not starve the
# timing-sensitive tests of the other projects.
dotnet test LogDapr.sln -c Release --nologo --filter "FullyQualifiedName!~LogDapr.Containers.Tests" "$@"
dotnet test tests/LogDapr.Containers.Tests -c Release --nologo --no-build "$@"
