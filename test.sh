#!/usr/bin/env bash
# Runs every LogDapr test: unit, property, integration (real Postgres), end-to-end (real processes),
# operator and chart tests, then the container images (built with podman) and the pipeline run in containers. Installs what they need first (see tools/scripts/install-test-deps.sh).
# Extra arguments go to `dotnet test`, e.g. ./test.sh --filter FullyQualifiedName~EndToEnd
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
tools/scripts/install-test-deps.sh
if [[ " $* " == *" --filter "* ]]; then
  exec dotnet test LogDapr.sln -c Release --nologo "$@"
fi
# The container tests build every image (minutes of both cores); run alone, after the rest, so they do not starve the
# timing-sensitive tests of the other projects.
dotnet test LogDapr.sln -c Release --nologo --filter "FullyQualifiedName!~LogDapr.Containers.Tests" "$@"
dotnet test tests/LogDapr.Containers.Tests -c Release --nologo --no-build "$@"
