"""The gate's version, in one place: `pyproject.toml` reads it (setuptools `attr:`), `--version` prints it,
and the JSON report carries it next to the report's own `schemaVersion`."""

__version__ = "0.3.0"

#: The JSON report's format (`validators/reports/gate-report.schema.json`). Raised only when a key is
#: removed or changes meaning; new keys keep it (readers must ignore keys they do not know).
SCHEMA_VERSION = 1
