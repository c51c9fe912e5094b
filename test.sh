#!/usr/bin/env bash
# Runs every LogDapr test: unit, property, integration (real Postgres), end-to-end (real processes),
# operator and chart tests. Installs what they need first (see tools/scripts/install-test-deps.sh).
# Extra arguments go to `dotnet test`, e.g. ./test.sh --filter FullyQualifiedName~EndToEnd
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
tools/scripts/install-test-deps.sh
dotnet test LogDapr.sln -c Release --nologo "$@"
