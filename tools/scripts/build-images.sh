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
# Two test images stand in for the official postgres and redis images (deploy/test-images/README.md): the
# containerised end-to-end test and the Testcontainers fixtures run them.
#
# Usage: tools/scripts/build-images.sh [program...]   (default: operator ingest aggregator dev-sidecar postgres redis)
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
# The sandbox has no CAP_SYS_RESOURCE (podman's default ulimits fail) and hybrid cgroups (crun refuses them).
limits=(--ulimit nofile=1024:20000 --ulimit nproc=4096:4096)
podman() { command podman --runtime runc "$@"; }
log() { echo "build-images: $*" >&2; }


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

# program -> project, assembly name, default HTTP port, every port it listens on by default, title
program_build() {
  local program=$1 project app port exposed title description
  case "$program" in
    operator)    project=operator/LogDapr.Operator.csproj; app=logdapr-operator; port=8081
                 title="LogDapr operator"; description="Reconciles LogPipeline resources into Dapr components and the pipeline workloads" ;;
    ingest)      project=services/ingest/LogDapr.Ingest.csproj; app=logdapr-ingest; port=8080; exposed="8080 4317"
                 title="LogDapr ingest"; description="Validates log events over HTTP and publishes them to the Dapr pub/sub topic" ;;
    aggregator)  project=services/aggregator/LogDapr.Aggregator.csproj; app=logdapr-aggregator; port=8081
                 title="LogDapr aggregator"; description="Counts delivered log events exactly once into Postgres and answers queries" ;;
    dev-sidecar) project=tools/dev-sidecar/LogDapr.DevSidecar.csproj; app=logdapr-dev-sidecar; port=3500
                 title="LogDapr development sidecar"; description="Test tool: a model of daprd for tests; never for production" ;;
    *) log "unknown program '$program'"; exit 2 ;;
  esac
  local image="$registry/$program:$tag"
  exposed="${exposed:-$port}"
  log "building $image"
  # The host's NuGet cache is mounted so restores reuse what this machine already downloaded, and its CA
  # certificates so the restore trusts what the host trusts (a proxy in front of the NuGet copy, here).
  mkdir -p "$HOME/.nuget/packages"
  # --no-cache: buildah reuses a cached LABEL layer when only a build argument changed (seen with podman 4.3).
  podman build --quiet --no-cache "${limits[@]}" \
    --volume "$HOME/.nuget/packages:/root/.nuget/packages" --volume /etc/ssl/certs:/etc/ssl/certs:ro \
    --build-arg SDK_IMAGE="$sdk_image" --build-arg RUNTIME_IMAGE="$base_image" \
    --build-arg TARGETARCH="$arch" --build-arg PROJECT="$project" --build-arg APP="$app" --build-arg PORT="$port" --build-arg EXPOSED_PORTS="$exposed" \
    --build-arg VERSION="$tag" --build-arg REVISION="$revision" \
    --build-arg TITLE="$title" --build-arg DESCRIPTION="$description" \
    -t "$image" -f deploy/container/Dockerfile . >/dev/null
  echo "$image $(podman image inspect --format '{{.Size}}' "$image")"
}

# A test stand-in for an official image: Debian's package on a Debian root, plus the official image's interface
# (deploy/test-images/<name>). Built once per machine; the Containerfile's content is part of the tag's label, so
# an edited Containerfile or entrypoint rebuilds it.
test_image_build() {
  local name=$1 version=$2 packages=$3 base="localhost/logdapr-base/$1:$2" image="localhost/logdapr-test/$1:$2" digest
  debian_image "$base" "$packages"
  digest="$(cat deploy/test-images/"$name"/* | sha256sum | cut -c1-16)"
  if ! has_image "$image" || [ "$(podman image inspect --format '{{index .Labels "io.logdapr.test-image.digest"}}' "$image")" != "$digest" ]; then
    log "building $image"
    podman build --quiet "${limits[@]}" --build-arg BASE_IMAGE="$base" --label "io.logdapr.test-image.digest=$digest" \
      -t "$image" -f deploy/test-images/"$name"/Containerfile deploy/test-images/"$name" >/dev/null
  fi
  echo "$image $(podman image inspect --format '{{.Size}}' "$image")"
}

"$repo/tools/scripts/ensure-container-engine.sh" install
# The build stages (SDK plus sources, about 1 GB each) are left behind untagged, by a failed build too; nothing
# reuses them, and a machine that builds often runs out of disk.
trap 'podman image prune --force >/dev/null 2>&1 || true' EXIT
programs=("$@")
[ ${#programs[@]} -gt 0 ] || programs=(operator ingest aggregator dev-sidecar postgres redis)
debian_image "$base_image" "ca-certificates,tzdata,libssl3,zlib1g"
for program in "${programs[@]}"; do
  case "$program" in
    postgres) test_image_build postgres 15 postgresql-15 ;;
    redis)    test_image_build redis 7 redis-server ;;
    *)        sdk_image_build; program_build "$program" ;;
  esac
done
