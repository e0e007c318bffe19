#!/usr/bin/env bash
# Builds the pinned OpenTofu from Go modules into $1 (default .tools/bin). The release is the one
# tools/tofu/go.mod requires. OpenTofu embeds its version (version/VERSION); `version.dev=no` is what
# its own release build (.goreleaser.yaml) sets, so `tofu version` prints "v1.12.6", not "v1.12.6-dev".
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "${1:-.tools/bin}" && cd "${1:-.tools/bin}" && pwd)"
cd "$here"
version="$(go list -m -f '{{.Version}}' github.com/opentofu/opentofu)"
echo "building tofu ${version} from Go modules into ${out} (first build: several minutes)"
# -mod=readonly: the build never rewrites the pins; go.sum must already hold every hash.
CGO_ENABLED=0 go build -mod=readonly -trimpath \
  -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
  -o "${out}/tofu.tmp" github.com/opentofu/opentofu/cmd/tofu
mv -f "${out}/tofu.tmp" "${out}/tofu"
"${out}/tofu" version
