"""The twinmaker-sync policy pack (Pulumi CrossGuard).

`policies.POLICIES` holds every policy; `__main__` only serves them to the Pulumi CLI. The package is
importable on its own (tests, other packs) without starting the gRPC server.
"""
