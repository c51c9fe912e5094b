#!/usr/bin/env bash
# Builds the LogDapr container images with podman from deploy/container/Dockerfile: the shipped programs
# (operator, ingest, aggregator) and, for the containerised end-to-end test, the development sidecar and a
# PostgreSQL image.
#
# No image registry is reachable where LogDapr is built and tested, so the Dockerfile's two base images are
# replaced by local ones made from Debian's packages (the same Dockerfile; only its build arguments differ):
#   localhost/logdapr-base/runtime:bookworm  minimal Debian (mmdebstrap minbase) with the native libraries .NET needs
#   localhost/logdapr-base/sdk:10.0          that base plus this machine's .NET SDK
# Releases build on Microsoft's images (.github/workflows/release.yaml).
#
# Usage: tools/scripts/build-images.sh [program...]   (default: operator ingest aggregator dev-sidecar postgres)
# Env:   LOGDAPR_IMAGE_REGISTRY (default ghcr.io/logdapr), LOGDAPR_IMAGE_TAG (default: the chart's appVersion)
# Prints one line per image: "<name> <size-bytes>".
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"

registry="${LOGDAPR_IMAGE_REGISTRY:-ghcr.io/logdapr}"
tag="${LOGDAPR_IMAGE_TAG:-$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' charts/logdapr/Chart.yaml)}"
revision="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
case "$(uname -m)" in aarch64|arm64) arch=arm64 ;; *) arch=amd64 ;; esac
base_image=localhost/logdapr-base/runtime:bookworm
sdk_image=localhost/logdapr-base/sdk:10.0
postgres_image=localhost/logdapr-base/postgres:15
# The sandbox has no CAP_SYS_RESOURCE (podman's default ulimits fail) and hybrid cgroups (crun refuses them).
limits=(--ulimit nofile=1024:20000 --ulimit nproc=4096:4096)
podman() { command podman --runtime runc "$@"; }
log() { echo "build-images: $*" >&2; }

ensure_tools() {
  local missing=()
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]} (apt-get)"
  local sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq podman runc mmdebstrap >/dev/null
}

has_image() { podman image exists "$1"; }

# A Debian root filesystem from the Debian mirror, imported as an image. Documentation, man pages and locales are
# left out: nothing in a container reads them.
debian_image() {
  local name=$1 packages=$2 tmp
  has_image "$name" && return
  log "creating $name from Debian bookworm (mmdebstrap; packages: ${packages:-none})"
  tmp="$(mktemp -d)"
  mmdebstrap --quiet --variant=minbase ${packages:+--include="$packages"} \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    bookworm "$tmp/rootfs.tar"
  podman import --quiet "$tmp/rootfs.tar" "$name" >/dev/null
  rm -rf "$tmp"
}

sdk_image_build() {
  has_image "$sdk_image" && return
  local dotnet_root
  dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  log "creating $sdk_image from $base_image and the SDK in $dotnet_root"
  printf 'FROM %s\nCOPY . /usr/share/dotnet/\nRUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet\nENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 NUGET_CERT_REVOCATION_MODE=offline DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1\n' "$base_image" \
    | podman build --quiet "${limits[@]}" -t "$sdk_image" -f - "$dotnet_root" >/dev/null
}

# program -> project, assembly name, default port, title
program_build() {
  local program=$1 project app port title description
  case "$program" in
    operator)    project=operator/LogDapr.Operator.csproj; app=logdapr-operator; port=8081
                 title="LogDapr operator"; description="Reconciles LogPipeline resources into Dapr components and the pipeline workloads" ;;
    ingest)      project=services/ingest/LogDapr.Ingest.csproj; app=logdapr-ingest; port=8080
                 title="LogDapr ingest"; description="Validates log events over HTTP and publishes them to the Dapr pub/sub topic" ;;
    aggregator)  project=services/aggregator/LogDapr.Aggregator.csproj; app=logdapr-aggregator; port=8081
                 title="LogDapr aggregator"; description="Counts delivered log events exactly once into Postgres and answers queries" ;;
    dev-sidecar) project=tools/dev-sidecar/LogDapr.DevSidecar.csproj; app=logdapr-dev-sidecar; port=3500
                 title="LogDapr development sidecar"; description="Test tool: a model of daprd for tests; never for production" ;;
    *) log "unknown program '$program'"; exit 2 ;;
  esac
  local image="$registry/$program:$tag"
  log "building $image"
  # The host's NuGet cache is mounted so restores reuse what this machine already downloaded, and its CA
  # certificates so the restore trusts what the host trusts (a proxy in front of the NuGet copy, here).
  mkdir -p "$HOME/.nuget/packages"
  # --no-cache: buildah reuses a cached LABEL layer when only a build argument changed (seen with podman 4.3).
  podman build --quiet --no-cache "${limits[@]}" \
    --volume "$HOME/.nuget/packages:/root/.nuget/packages" --volume /etc/ssl/certs:/etc/ssl/certs:ro \
    --build-arg SDK_IMAGE="$sdk_image" --build-arg RUNTIME_IMAGE="$base_image" \
    --build-arg TARGETARCH="$arch" --build-arg PROJECT="$project" --build-arg APP="$app" --build-arg PORT="$port" \
    --build-arg VERSION="$tag" --build-arg REVISION="$revision" \
    --build-arg TITLE="$title" --build-arg DESCRIPTION="$description" \
    -t "$image" -f deploy/container/Dockerfile . >/dev/null
  echo "$image $(podman image inspect --format '{{.Size}}' "$image")"
}

ensure_tools
programs=("$@")
[ ${#programs[@]} -gt 0 ] || programs=(operator ingest aggregator dev-sidecar postgres)
debian_image "$base_image" "ca-certificates,tzdata,libssl3,zlib1g"
for program in "${programs[@]}"; do
  if [ "$program" = postgres ]; then
    debian_image "$postgres_image" "postgresql-15"
    echo "$postgres_image $(podman image inspect --format '{{.Size}}' "$postgres_image")"
  else
    sdk_image_build
    program_build "$program"
  fi
done
# The build stages (SDK plus sources, about 1 GB each) are left behind untagged; nothing reuses them.
podman image prune --force >/dev/null
