"""An offline AWS IoT TwinMaker endpoint (workspaces, sync jobs, sync resources) for tests and demos.

Real HTTP, botocore's own service model for routing and validation, scripted scenarios and fault
injection. Start it with `python -m twinmaker_local --scenario FILE` or from Python::

    with twinmaker_local.running_endpoint("demo") as ep:
        client = boto3.client("iottwinmaker", endpoint_url=ep.url, ...)
"""

from twinmaker_local.clock import Clock, ManualClock, scaled_clock
from twinmaker_local.model import TIMELINE_TAG
from twinmaker_local.scenario import Scenario, ScenarioError, load_scenario
from twinmaker_local.server import Endpoint, running_endpoint, serve
from twinmaker_local.stats import Stats, read_stats

__all__ = [
    "TIMELINE_TAG",
    "Clock",
    "Endpoint",
    "ManualClock",
    "Scenario",
    "ScenarioError",
    "Stats",
    "load_scenario",
    "read_stats",
    "running_endpoint",
    "scaled_clock",
    "serve",
]
