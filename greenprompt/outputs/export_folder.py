"""The export folder: created new, or a previous export replaced as a whole.

Exporting a 1-variant run into the folder of a 4-variant one used to keep the 3 old prompt
files, and `compare out/` then ran 4 variants. So a folder is written only when it is new,
empty, or a previous export; a previous export is recognised by the manifest every export
writes (MANIFEST) or, for exports written before the manifest, by results.csv and
generations.jsonl, and in both cases only when every entry in it is a name an export
writes (a file of the user's would otherwise be deleted with it). The new files go to a
temporary folder beside the target, which then takes the target's place: an export
interrupted while writing leaves the previous one as it was, never a mix of the two. The
temporary folders are named after the process that made them (`.NAME.PID-XXXXXXXX.tmp`,
`.old`): one left by a process that was killed is removed by the next export to NAME.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import Callable

from greenprompt.inputs.processes import pid_alive
from greenprompt.records.errors import GreenPromptError

MANIFEST = "greenprompt-export.json"
MANIFEST_FORMAT = "greenprompt export"
# Every name an export writes at the top of its folder: ranked prompt files (NN-name.md),
# the tables, and folders of further serving profiles (checked the same way).
EXPORT_FILES = re.compile(r"^(\d+-.+\.md|results\.csv|results\.parquet|generations\.jsonl|generations\.parquet|emissions\.csv)$")
_LEGACY_MARKERS = ("results.csv", "generations.jsonl")


def _unwritable(out: Path, e: OSError) -> GreenPromptError:
    return GreenPromptError(f"{out}: cannot write the export ({e.strerror or e}); choose a writable export folder")


def manifest_text(run_id: str, serving: str) -> str:
    """The file that marks a folder as greenprompt's export."""
    return json.dumps({"format": MANIFEST_FORMAT, "version": 1, "run_id": run_id, "serving": serving}, indent=2) + "\n"


def _has_manifest(folder: Path) -> bool:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("format") == MANIFEST_FORMAT
    except (OSError, ValueError, AttributeError):
        return False


def _foreign_entries(folder: Path) -> list[str] | None:
    """None when `folder` is not an export at all; else the entries an export did not write."""
    if not (_has_manifest(folder) or all((folder / name).is_file() for name in _LEGACY_MARKERS)):
        return None
    foreign = []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            inner = _foreign_entries(entry)
            foreign += [entry.name] if inner is None else [f"{entry.name}/{name}" for name in inner]
        elif not (entry.is_file() and (entry.name == MANIFEST or EXPORT_FILES.match(entry.name))):
            foreign.append(entry.name)
    return foreign


def check_replaceable(out: Path) -> None:
    """Refuse a folder whose files a new export must not delete: one that holds anything
    but a previous export's files."""
    if not out.exists():
        return
    if not out.is_dir():
        raise GreenPromptError(f"{out}: is a file, not a folder; choose a new or empty folder for the export")
    if not any(out.iterdir()):
        return
    foreign = _foreign_entries(out)
    if foreign is None:
        raise GreenPromptError(
            f"{out}: this folder is not empty and not a previous greenprompt export; "
            "choose a new or empty folder for the export, or move its files elsewhere"
        )
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise GreenPromptError(
            f"{out}: a previous greenprompt export with files it did not write ({shown}); the new export replaces the "
            "whole folder, so move them elsewhere or choose a new or empty folder for the export"
        )


def prepare_export_dir(directory: str | Path) -> Path:
    """Before any energy is spent: the folder can take an export (new, empty or a previous
    export) and the folder it is in is writable (the new export is written beside it)."""
    out = Path(directory)
    cwd = Path.cwd().resolve()
    if out.exists() and any(out.resolve() == here for here in (cwd, *cwd.parents)):
        # replacing it would leave this process, and later relative paths, in a deleted folder
        raise GreenPromptError(f"{out}: is the current folder or holds it; choose another folder for the export")
    check_replaceable(out)
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        probe = _beside(out.resolve(), "probe")
        probe.mkdir()
        probe.rmdir()
    except OSError as e:
        raise _unwritable(out, e) from None
    return out


def write_folder(directory: str | Path, write: Callable[[Path], list[Path]]) -> list[Path]:
    """Call `write(folder)` on a new temporary folder beside `directory`, then put that
    folder in `directory`'s place (a previous export there is replaced as a whole).
    Returns the written paths as they are after the move."""
    out = prepare_export_dir(directory)
    target = out.resolve()
    _sweep_leftovers(target)
    staging = _beside(target, "tmp")
    try:
        staging.mkdir()  # honours the umask, as the folder a plain mkdir would make
        written = write(staging)
        _swap(staging, target, out)
    except OSError as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise _unwritable(out, e) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out / path.relative_to(staging) for path in written]


def _swap(staging: Path, target: Path, shown: Path) -> None:
    """Two renames in one folder: the target is never a mix of old and new files."""
    if not target.exists():
        staging.rename(target)
        return
    check_replaceable(shown)  # again: files may have been added to it during the run
    old = _beside(target, "old")
    target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _beside(target: Path, kind: str) -> Path:
    """A hidden working folder beside `target`, named after this process."""
    return target.parent / f".{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.{kind}"


def _sweep_leftovers(target: Path) -> None:
    """Remove the working folders of exports to `target` whose process is gone (killed
    between writing and the swap: SIGKILL runs no cleanup). A running export's are kept."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)-[0-9a-f]{{8}}\.(tmp|old|probe)$")
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        match = pattern.match(entry.name)
        if match and not pid_alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
