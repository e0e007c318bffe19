"""Serves a double to the engine with the gate plugin's server (`validators.pulumi.server.run_plugin`).

The SDK's `pulumi.provider.experimental.server` appends a Python traceback to every error a provider
raises, so the engine would print a stack trace under the resource where the real providers print one
line ("creating ...: ConflictException: ..."). The gate's servicer sends an error's own first line, as
the real providers do; the doubles use it rather than a copy, so both read the same.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from pulumi.provider.experimental.provider import Provider

from validators.pulumi.server import run_plugin


def serve(args: Sequence[str], version: str, provider: Provider) -> None:
    """The plugin's main: `pulumi-resource-NAME ENGINE_ADDRESS [--logflow] [--logtostderr]`."""
    parser = argparse.ArgumentParser(description="Pulumi provider plugin (a local-cloud test double)")
    run_plugin(args, provider, version=version, parser=parser)


def plugin_version(package: str) -> str:
    """The version the engine expects of a plugin: the one the installed SDK package declares
    (`pulumi-plugin.json`), so the engine sees the double as the provider the program was written for."""
    import importlib.resources  # noqa: PLC0415
    import json  # noqa: PLC0415

    manifest = importlib.resources.files(package).joinpath("pulumi-plugin.json").read_text(encoding="utf-8")
    version: str = json.loads(manifest)["version"]
    return version
