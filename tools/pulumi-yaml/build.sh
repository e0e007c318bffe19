#!/usr/bin/env bash
# Builds the pinned Pulumi YAML language host (pulumi-language-yaml) from Go modules into $1 (default
# .tools/bin), beside the CLI that tools/pulumi/build.sh builds: the CLI finds a language host on its
# own folder or PATH. The release is the one tools/pulumi-yaml/go.mod requires; it is stamped into
# the binary so the engine's `pulumi about` and plugin listings print it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "${1:-.tools/bin}" && cd "${1:-.tools/bin}" && pwd)"
cd "$here"
version="$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi-yaml)"
echo "building pulumi-language-yaml ${version} from Go modules into ${out}"
CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=${version#v}" \
  -o "${out}/pulumi-language-yaml.tmp" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
mv -f "${out}/pulumi-language-yaml.tmp" "${out}/pulumi-language-yaml"
