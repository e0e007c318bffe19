"""examples/yaml/ on the local cloud, run by the shell command `pulumi` (no Automation API).

The Pulumi YAML program is run the way a user runs it: `pulumi up --yes` in the project folder, the
CLI starting the YAML language host (`.tools/bin/pulumi-language-yaml`, beside the CLI) and the
provider plugins itself. The aws and aws-native plugins are the local cloud's doubles (installed in
its PULUMI_HOME, as `LocalCloud` does for every run); the gate's plugin is the real one, the console
script `pulumi-resource-twinmaker-sync-gate` of this project's virtualenv, found by one of the ways a
Pulumi user installs a plugin (`PLUGIN_SOURCES`):

- `providers`: a `plugins.providers` entry (name and folder) in the project's Pulumi.yaml;
- `path`: the folder on the engine's PATH (an ambient plugin);
- `installed`: `pulumi plugin install resource twinmaker-sync-gate VERSION --file TARBALL`
  (`LocalCloud.install_gate_plugin`).

`YamlStack` is one stack of the example on one `LocalCloud`: its commands return the CLI's exit code
and output (`argv` gives the command line for a process the caller drives itself, e.g. to Ctrl-C it).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local_cloud.engine import GATE_PLUGIN_SCRIPT, LocalCloud, gate_plugin_dir
from local_cloud.plugins import PROJECT_ROOT
from validators.pulumi.spec import PACKAGE, RESOURCE_TOKEN

EXAMPLE_DIR = PROJECT_ROOT / "examples" / "yaml"
PROJECT = "twinmaker-sync-yaml"
GATE_PLUGIN = PACKAGE
GATE_TYPE = RESOURCE_TOKEN
GATE_EXECUTABLE = GATE_PLUGIN_SCRIPT
PLUGIN_SOURCES = ("providers", "path", "installed")
LANGUAGE_HOST = "pulumi-language-yaml"


def example_cloud(root: Path, endpoint_url: str, region: str, plugin_source: str = "providers") -> LocalCloud:
    """A local cloud whose work dir holds examples/yaml/, the gate's plugin found as `plugin_source`
    says (see the module docstring; `installed` is left to the caller, who holds the tarball)."""
    if plugin_source not in PLUGIN_SOURCES:
        raise ValueError(f"plugin_source must be one of {PLUGIN_SOURCES}, not {plugin_source!r}")
    extra_path = (gate_plugin_dir(),) if plugin_source == "path" else ()
    # Otherwise no plugin on PATH counts: the engine must find the gate the way asked for.
    extra_env = {} if plugin_source == "path" else {"PULUMI_IGNORE_AMBIENT_PLUGINS": "true"}
    cloud = LocalCloud(
        root,
        endpoint_url,
        region=region,
        project_dir=EXAMPLE_DIR,
        extra_env=extra_env,
        extra_path=extra_path,
    )
    if plugin_source == "providers":
        with (cloud.work_dir / "Pulumi.yaml").open("a", encoding="utf-8") as project:
            project.write(providers_block(gate_plugin_dir()))
    return cloud


def providers_block(folder: Path) -> str:
    """The `plugins.providers` entry of Pulumi.yaml that names the gate plugin's folder."""
    return f"\nplugins:\n  providers:\n    - name: {GATE_PLUGIN}\n      path: {json.dumps(str(folder))}\n"


@dataclass
class YamlStack:
    """One stack of examples/yaml/ on `cloud`, driven by the shell CLI."""

    cloud: LocalCloud
    name: str = "dev"

    def init(self, workspace_a: str, workspace_b: str, **config: Any) -> None:
        """Creates the stack with its two workspace IDs, the providers' region and `config`
        (keys of the example's project, e.g. `gateCheckResources=True`)."""
        values: dict[str, Any] = {
            "aws:region": self.cloud.region,
            "aws-native:region": self.cloud.region,
            f"{PROJECT}:workspaceIdA": workspace_a,
            f"{PROJECT}:workspaceIdB": workspace_b,
        }
        values.update({f"{PROJECT}:{key}": value for key, value in config.items()})
        self.cloud.init_stack(self.name, values)

    def argv(self, action: str, *extra: str) -> list[str]:
        """`pulumi ACTION --stack NAME ...`: `--yes` for the changing actions (as a pipeline runs them),
        no colours, no prompts."""
        changing = ("--yes",) if action in ("up", "refresh", "destroy") else ()
        return [
            str(self.cloud.pulumi_bin),
            action,
            "--stack",
            self.name,
            *changing,
            "--color",
            "never",
            "--non-interactive",
            *extra,
        ]

    def run(self, action: str, *extra: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """The shell command `pulumi ACTION` in the project folder; its output captured."""
        return subprocess.run(
            self.argv(action, *extra),
            cwd=self.cloud.work_dir,
            env=self.cloud.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def outputs(self) -> dict[str, Any]:
        """`pulumi stack output --json`, parsed."""
        return self.cloud.stack_outputs(self.name)

    def outputs_json(self) -> str:
        """`pulumi stack output --json` as the CLI printed it (what a pipeline pipes to the gate)."""
        return self.cloud.pulumi(["stack", "output", "--json", "--stack", self.name], check=True).stdout

    def resources(self) -> list[dict[str, Any]]:
        """The resources in the stack's state (`pulumi stack export`)."""
        return self.cloud.stack_resources(self.name)

    def gates(self) -> dict[str, dict[str, Any]]:
        """The SyncJobGate resources in the state, by resource name (`syncJobGateA`...)."""
        return {r["urn"].rsplit("::", 1)[1]: r for r in self.resources() if r.get("type") == GATE_TYPE}

    def urn(self, type_token: str, name: str) -> str:
        """The URN of the example's resource `name` of type `type_token` in this stack."""
        return f"urn:pulumi:{self.name}::{PROJECT}::{type_token}::{name}"
