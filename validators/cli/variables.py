"""`TWINMAKER_GATE_*` environment variables: the gate's options, set once for a whole pipeline.

Rule: a flag on the command line wins; else the variable `TWINMAKER_GATE_<OPTION>` (the long option's
name in upper case, `-` as `_`, e.g. `TWINMAKER_GATE_TIMEOUT=30m`); else the built-in default. An empty
variable counts as unset (CI systems pass unset inputs as empty strings). A bad value is a usage error
that names the variable, but only when it is used: a flag that overrides it makes it irrelevant.
A variable with the prefix that names no option is reported as a warning (likely a typo), not an error.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

PREFIX = "TWINMAKER_GATE_"

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class EnvVarError(ValueError):
    """A variable's value is not valid for its option; one line naming the variable."""


@dataclass(frozen=True)
class EnvOption:
    """One option that a variable may set: argparse `dest`, how to parse the text, the default."""

    dest: str
    parse: Callable[[str], object]
    default: object

    @property
    def variable(self) -> str:
        return PREFIX + self.dest.upper()


def boolean(raw: str) -> bool:
    """`true`/`false` (also 1/0, yes/no, on/off, any case) for a switch set by a variable."""
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {raw!r}")


def apply_environment(
    args: argparse.Namespace, options: Sequence[EnvOption], environ: Mapping[str, str]
) -> list[str]:
    """Fill each option the command line left unset (None) from its variable, else its default.

    Returns warnings for `TWINMAKER_GATE_*` variables that name no option. Raises `EnvVarError`
    for a variable whose value does not parse.
    """
    for option in options:
        if getattr(args, option.dest) is not None:
            continue
        raw = environ.get(option.variable, "")
        if not raw.strip():
            setattr(args, option.dest, option.default)
            continue
        try:
            value = option.parse(raw)
        except (argparse.ArgumentTypeError, ValueError) as exc:
            raise EnvVarError(f"{option.variable}: {exc}") from None
        setattr(args, option.dest, value)
    known = sorted(option.variable for option in options)
    unknown = [name for name in sorted(environ) if name.startswith(PREFIX) and name not in known]
    return [_unknown(name, known) for name in unknown]


def _unknown(name: str, known: list[str]) -> str:
    """`TWINMAKER_GATE_TIMOUT is not a setting of the gate; did you mean TWINMAKER_GATE_TIMEOUT?`"""
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]}?" if close else f"the settings are {', '.join(known)}"
    return f"{name} is not a setting of the gate (ignored); {hint}"
