"""Entry point of the source plugin (PulumiPlugin.yaml): the Python language host runs this folder."""

from twinmaker_sync_gate.pulumi.server import main

main()
