"""A local cloud for one run of the real Pulumi engine: its folders, its environment, its commands.

`LocalCloud` lays out a temporary folder (the engine's `PULUMI_HOME`, a `file://` backend, the plugin
shims, the local account's record, a work dir holding this project's own `Pulumi.yaml` and a stack
config file) and runs commands there with an environment that reaches nothing but the local TwinMaker
endpoint: dummy credentials, no AWS config files, no update check, no plugin downloads.

`pulumi(...)` runs the real CLI (stack output, stack export, config, stack rm...); `run(...)` runs
`local_cloud.run` (up, preview, refresh, destroy: the program served in-process, see its docstring).
`install_gate_plugin()` installs this project's own provider plugin (the SyncJobGate's), for
`gateMode: resource`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local_cloud.plugins import PROJECT_ROOT, write_policy_pack_shim, write_provider_shims
from local_cloud.server import plugin_version
from local_cloud.store import STATE_VARIABLE
from validators.pulumi.spec import PACKAGE as GATE_PACKAGE
from validators.version import __version__

PULUMI_BIN = PROJECT_ROOT / ".tools" / "bin" / "pulumi"
PROJECT_NAME = "twinmaker-sync"
#: The console script `make venv` installs for the gate's provider plugin.
GATE_PLUGIN_SCRIPT = f"pulumi-resource-{GATE_PACKAGE}"

#: What the command line of a plugin the engine starts contains: the doubles, the gate's plugin, the
#: YAML language host.
_PLUGIN_MARKERS = (b"local_cloud.aws", GATE_PLUGIN_SCRIPT.encode(), b"pulumi-language-yaml")

#: Variables of the caller's environment that could point the engine or boto3 somewhere real.
_SCRUBBED_PREFIXES = ("AWS_", "PULUMI_")


def gate_plugin_dir() -> Path:
    """The folder holding the gate's console script: this interpreter's (the virtualenv's `bin`).

    Not resolved: the virtualenv's `python` is a symlink to the base interpreter, whose folder has no
    console scripts."""
    return Path(sys.executable).parent


@dataclass
class LocalCloud:
    """One local cloud under `root` (a fresh temporary folder), for the endpoint at `endpoint_url`."""

    root: Path
    endpoint_url: str
    region: str = "us-east-1"
    project_dir: Path = PROJECT_ROOT
    pulumi_bin: Path = PULUMI_BIN
    extra_env: dict[str, str] = field(default_factory=dict)
    #: Folders put first on the engine's PATH, after the CLI's own (ambient plugins: `pulumi-resource-*`).
    extra_path: tuple[Path, ...] = ()

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        self.home = self.root / "pulumi-home"
        self.backend = self.root / "backend"
        self.plugin_files = self.root / "plugin-files"
        self.work_dir = self.root / "work"
        self.account_state = self.root / "account.json"
        for folder in (self.home, self.backend, self.work_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self._install_providers()
        # The project's own Pulumi.yaml, parsed by the real CLI; the program itself is run in-process.
        shutil.copy2(self.project_dir / "Pulumi.yaml", self.work_dir / "Pulumi.yaml")

    def _install_providers(self) -> None:
        """The doubles, installed in this PULUMI_HOME as the versions the program's SDKs ask for."""
        packages = {"aws": "pulumi_aws", "aws-native": "pulumi_aws_native"}
        for name, shim in write_provider_shims(self.plugin_files).items():
            version = plugin_version(packages[name])
            self.pulumi(["plugin", "install", "resource", name, version, "--file", str(shim)], check=True)

    def install_gate_plugin(self, file: Path | None = None) -> None:
        """`pulumi plugin install resource twinmaker-sync-gate VERSION --file FILE` in this PULUMI_HOME,
        as a user installs the gate's plugin, at the version the gate reports (the one `SyncJobGate`
        asks for). FILE: a tarball (`make plugin-tarball`), else the console script in
        `gate_plugin_dir()`, else the one on PATH."""
        if file is None:
            beside = gate_plugin_dir() / GATE_PLUGIN_SCRIPT
            found = str(beside) if beside.exists() else shutil.which(GATE_PLUGIN_SCRIPT)
            if found is None:
                raise FileNotFoundError(f"{GATE_PLUGIN_SCRIPT} is not installed: `make venv` installs it")
            file = Path(found)
        self.pulumi(
            ["plugin", "install", "resource", GATE_PACKAGE, __version__, "--file", str(file)], check=True
        )

    def policy_pack(self, pack_dir: Path) -> str:
        """What to pass to `--policy-pack` for the Python pack in `pack_dir` (see `local_cloud.plugins`)."""
        return str(write_policy_pack_shim(pack_dir.resolve(), self.root / "policy-packs" / pack_dir.name))

    @property
    def program(self) -> Path:
        return self.project_dir / "__main__.py"

    def env(self) -> dict[str, str]:
        """The environment of every command: the local endpoint and backend only."""
        base = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUBBED_PREFIXES)}
        base.update(
            {
                "PATH": os.pathsep.join(
                    [str(self.pulumi_bin.parent), *map(str, self.extra_path), base.get("PATH", "")]
                ),
                "PYTHONPATH": str(self.project_dir),
                "PULUMI_HOME": str(self.home),
                "PULUMI_BACKEND_URL": f"file://{self.backend}",
                "PULUMI_CONFIG_PASSPHRASE": "",
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
                "PULUMI_SKIP_CONFIRMATIONS": "true",
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_REGION": self.region,
                "AWS_DEFAULT_REGION": self.region,
                "AWS_CONFIG_FILE": str(self.root / "no-aws-config"),
                "AWS_SHARED_CREDENTIALS_FILE": str(self.root / "no-aws-credentials"),
                "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_ENDPOINT_URL_IOTTWINMAKER": self.endpoint_url,
                STATE_VARIABLE: str(self.account_state),
            }
        )
        base.update(self.extra_env)
        return base

    def write_stack_config(self, stack: str, config: Mapping[str, Any]) -> Path:
        """`Pulumi.<stack>.yaml` in the work dir (JSON is YAML: no YAML library needed)."""
        path = self.work_dir / f"Pulumi.{stack}.yaml"
        path.write_text(json.dumps({"config": dict(config)}, indent=2) + "\n", encoding="utf-8")
        return path

    def pulumi(
        self, args: Sequence[str], *, check: bool = False, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """The real CLI, in the work dir, with this cloud's environment."""
        return self._execute([str(self.pulumi_bin), *args, "--non-interactive"], timeout=timeout, check=check)

    def _execute(
        self, argv: Sequence[str], *, timeout: float, check: bool = False, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """`argv` in the work dir with this cloud's environment, its output captured as text."""
        return subprocess.run(
            argv,
            input=stdin,
            cwd=self.work_dir,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=check,
        )

    def run_command(self, action: str, stack: str, *extra: str, program: Path | None = None) -> list[str]:
        """The argv of `local_cloud.run` for `action` on `stack` (for subprocess or Popen)."""
        return [
            sys.executable,
            "-m",
            "local_cloud.run",
            action,
            "--work-dir",
            str(self.work_dir),
            "--stack",
            stack,
            "--program",
            str(program or self.program),
            "--pulumi",
            str(self.pulumi_bin),
            *extra,
        ]

    def run(
        self, action: str, stack: str, *extra: str, program: Path | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        """`up`, `preview`, `refresh` or `destroy` through the real engine; output captured."""
        return self._execute(self.run_command(action, stack, *extra, program=program), timeout=timeout)

    def gate(
        self, outputs_json: str, *options: str, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """`pulumi stack output --json | twinmaker-gate wait --pulumi-outputs - OPTIONS`: the pipeline's
        gate step on the stack outputs `outputs_json`, polling every 0.5-1 s (local jobs are quick)."""
        # The installed console script, as a pipeline runs it (the step's folder is not this checkout).
        argv = [str(gate_plugin_dir() / "twinmaker-gate"), "wait", "--pulumi-outputs", "-"]
        return self._execute(
            [*argv, "--min-interval", "0.5", "--max-interval", "1", *options],
            timeout=timeout,
            stdin=outputs_json,
        )

    def init_stack(self, stack: str, config: Mapping[str, Any]) -> None:
        """A new stack on the local backend with `config` (written as its stack config file)."""
        self.write_stack_config(stack, config)
        self.pulumi(["stack", "init", stack], check=True)

    def stack_outputs(self, stack: str) -> dict[str, Any]:
        """`pulumi stack output --json`, parsed."""
        done = self.pulumi(["stack", "output", "--json", "--stack", stack], check=True)
        outputs: dict[str, Any] = json.loads(done.stdout)
        return outputs

    def stack_resources(self, stack: str) -> list[dict[str, Any]]:
        """The resources in the stack's state (`pulumi stack export`)."""
        done = self.pulumi(["stack", "export", "--stack", stack], check=True)
        deployment = json.loads(done.stdout).get("deployment", {})
        resources: list[dict[str, Any]] = deployment.get("resources") or []
        return resources

    def stop_leftover_plugins(self) -> int:
        """Stops plugins this cloud's engine started and left running; returns how many.

        Plugins run in process groups of their own (the engine's doing, so a Ctrl-C does not reach
        them) and the engine stops them when it ends; after a Ctrl-C the v3.274.1 CLI sometimes ends
        without doing so (seen about one time in eight). They are found by this cloud's PULUMI_HOME
        in their environment (Linux /proc)."""
        marker = f"PULUMI_HOME={self.home}".encode()
        stopped = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
                if any(plugin in cmdline for plugin in _PLUGIN_MARKERS) and marker in (
                    entry / "environ"
                ).read_bytes().split(b"\0"):
                    os.kill(int(entry.name), signal.SIGTERM)
                    stopped += 1
            except OSError:
                continue
        return stopped

    def recorded(self) -> dict[str, dict[str, Any]]:
        """What the aws double recorded in the local account (roles, policies, buckets)."""
        try:
            records: dict[str, dict[str, Any]] = json.loads(self.account_state.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {kind: entries for kind, entries in records.items() if entries}
