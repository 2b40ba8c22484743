"""What every command shares: the consoles, --json/--quiet/--store, and the one exit path."""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Callable, Iterator, Optional

import typer
from rich.console import Console
from rich.markup import escape

from greenprompt.records.errors import GreenPromptError
from greenprompt.records.options import parse_text

EXIT_CHECK_FAILED, EXIT_INTERRUPTED = 1, 130

# Piped or captured output gets room for the whole table instead of rich's 80 columns.
stdout = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 120)
stderr = Console(stderr=True)

# --json and --quiet, the same in every command; their variables are read by `guarded`
ENVIRONMENT = {"as_json": "GREENPROMPT_AS_JSON", "quiet": "GREENPROMPT_QUIET"}
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout. (env: GREENPROMPT_AS_JSON)")]
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="Print nothing but errors (and, with --json, the document); no progress bar. (env: GREENPROMPT_QUIET)",
    ),
]
StoreOption = Annotated[
    Optional[Path], typer.Option(help="Run store file (default: $GREENPROMPT_HOME/greenprompt.db, else the user data directory).")
]
RunArgument = Annotated[str, typer.Argument(help="Run id, a unique prefix of one, or 'last'.")]


def guarded(func: Callable) -> Callable:
    """The one exit path: bad input (GreenPromptError) is one line on stderr and its exit
    code (2); Ctrl-C exits 130. The wrapper keeps the command's signature for typer."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        try:
            return func(*args, **from_environment(kwargs))
        except GreenPromptError as e:
            # escaped: a message naming an extra (pip install 'greenprompt-cli[ray]') is not markup
            stderr.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False, markup=True, soft_wrap=True)
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            stderr.print("interrupted")
            raise typer.Exit(EXIT_INTERRUPTED) from None

    return run


def from_environment(kwargs: dict) -> dict:
    """--json and --quiet not given on the command line (flags: False) from GREENPROMPT_AS_JSON
    and GREENPROMPT_QUIET, read here rather than by click so that a bad value is one line
    naming the variable (click said "Invalid value for '--quiet'" in a box)."""
    out = dict(kwargs)
    for name, variable in ENVIRONMENT.items():
        if name in out and not out[name] and os.environ.get(variable):
            out[name] = parse_text(bool, os.environ[variable], variable)
    return out


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops a run like Ctrl-C does: finished work is reported and kept."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def print_json(document: dict) -> None:
    sys.stdout.write(json.dumps(document, indent=2) + "\n")


def done(as_json: bool, quiet: bool, message: str, document: dict) -> None:
    """How commands that write files or change the store report: JSON, a line, or silence."""
    if as_json:
        print_json(document)
    elif not quiet:
        stderr.print(message, highlight=False)


def print_checks(checks, quiet: bool, to_stderr: bool, checked: str = "") -> None:
    """Which variants are checked and why, then one PASS/FAIL line per check (quiet: the
    failures only, after that line when there is one)."""
    shown = [c for c in checks if not (quiet and c.passed)]
    lines = ([f"Checked: {checked}"] if checked and shown else []) + [
        f"{'PASS' if c.passed else 'FAIL'} {c.variant}: {c.name}: {c.message}" for c in shown
    ]
    for line in lines:
        (stderr.print(line, highlight=False, markup=False, soft_wrap=True) if to_stderr else print(line))
