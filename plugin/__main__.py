"""Entry point of the source plugin (PulumiPlugin.yaml): the Python language host runs this folder."""

from validators.pulumi.server import main

main()
