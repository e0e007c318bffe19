# Every target creates .venv and installs what it needs from this project's own files.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv demo test lint typecheck unit bench clean pulumi tofu e2e demo-pulumi demo-plugin plugin-tarball

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[pulumi,policy,dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(PY) -m twinmaker_local.demo

# The SyncJobGate provider plugin as a tarball for `pulumi plugin install resource twinmaker-sync-gate
# VERSION --file dist/...tar.gz` (docs/plugin.md); its shim runs this venv's Python.
plugin-tarball: $(STAMP)
	$(PY) -m validators.pulumi.tarball dist

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy

unit: $(STAMP)
	$(PY) -m pytest

test: lint typecheck unit

bench: $(STAMP)
	$(PY) -m bench

# --- the real engines, built from Go modules at the pins in tools/*/go.mod (cached in .tools/) ---
TOOLS_BIN := .tools/bin
GO        ?= go

# Rebuilt only when a pin changes: the binary depends on its wrapper module's go.mod and go.sum.
$(TOOLS_BIN)/pulumi: tools/pulumi/go.mod tools/pulumi/go.sum tools/pulumi/build.sh
	tools/pulumi/build.sh $(TOOLS_BIN)

# The YAML language host, beside the CLI (which finds it there): its own wrapper module and pins.
$(TOOLS_BIN)/pulumi-language-yaml: tools/pulumi-yaml/go.mod tools/pulumi-yaml/go.sum tools/pulumi-yaml/build.sh
	tools/pulumi-yaml/build.sh $(TOOLS_BIN)

pulumi: $(TOOLS_BIN)/pulumi $(TOOLS_BIN)/pulumi-language-yaml

# OpenTofu, for the Terraform module's e2e tests (tests/e2e/test_terraform_*.py); same rule as above.
$(TOOLS_BIN)/tofu: tools/tofu/go.mod tools/tofu/go.sum tools/tofu/build.sh
	tools/tofu/build.sh $(TOOLS_BIN)

tofu: $(TOOLS_BIN)/tofu

# The newcomer's second command: a real `pulumi up` of this project against the local cloud.
demo-pulumi: $(STAMP) $(TOOLS_BIN)/pulumi
	$(PY) -m local_cloud.demo

# A shell `pulumi up` of examples/yaml/ (Pulumi YAML, gated by the SyncJobGate plugin) on the local cloud.
demo-plugin: $(STAMP) $(TOOLS_BIN)/pulumi $(TOOLS_BIN)/pulumi-language-yaml
	$(PY) -m local_cloud.demo_plugin

# End-to-end tests on the real engines (built on first use); not part of `make test`.
e2e: $(STAMP) $(TOOLS_BIN)/pulumi $(TOOLS_BIN)/pulumi-language-yaml $(TOOLS_BIN)/tofu
	$(PY) -m pytest tests/e2e -m e2e

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis .tools
