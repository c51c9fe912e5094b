#!/usr/bin/env bash
# Puts Redocly CLI (the OpenAPI linter the API-documentation tests run) under <repo>/.tools/npm and prints the path
# of its executable. From the npm registry, pinned; idempotent: a second run only checks.
#
# Environment:
#   LOGDAPR_REDOCLY_VERSION  npm version of @redocly/cli (default pinned below)
set -euo pipefail

VERSION="${LOGDAPR_REDOCLY_VERSION:-2.77.0}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
prefix="$repo_root/.tools/npm"
bin="$prefix/node_modules/.bin/redocly"

if [[ -x "$bin" ]] && [[ "$("$bin" --version 2>/dev/null)" == "$VERSION" ]]; then
  echo "$bin"
  exit 0
fi

command -v npm >/dev/null 2>&1 || { echo "ensure-redocly: npm is required (Redocly CLI comes from the npm registry)" >&2; exit 1; }
mkdir -p "$prefix"
echo "ensure-redocly: installing @redocly/cli@$VERSION into $prefix" >&2
npm install --prefix "$prefix" --no-audit --no-fund --silent "@redocly/cli@$VERSION" >&2
echo "$bin"
