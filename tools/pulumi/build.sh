#!/usr/bin/env bash
# Builds the pinned Pulumi CLI from Go modules into $1 (default .tools/bin). The release is the one
# tools/pulumi/go.mod requires; it is stamped into the binary so `pulumi version` prints it.
#
# The Python language host (github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3) is not
# built: the module proxy reachable here serves no version of it (see tools/README.md). Programs run
# through the Automation API instead, whose Python SDK serves the language runtime in-process.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "${1:-.tools/bin}" && cd "${1:-.tools/bin}" && pwd)"
cd "$here"
version="$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)"
echo "building pulumi ${version} from Go modules into ${out} (first build: several minutes)"
CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}" \
  -o "${out}/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
mv -f "${out}/pulumi.tmp" "${out}/pulumi"
"${out}/pulumi" version
