"""Ids in the report's tables: one letter means one variant in the whole report, also in
another serving profile's table, where the ranking can differ."""

import dataclasses
import io

from rich.console import Console

from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.outputs.tables import variant_ids
from greenprompt.outputs.terminal import print_report
from greenprompt.records import PREFIX_CACHE
from greenprompt.records.config import Config

from conftest import EXAMPLE
from fakes import FixedBackend, SourcedMeter


def test_another_profiles_table_keeps_the_first_profiles_ids(tmp_path):
    result = run_comparison(Config(prompts=str(EXAMPLE), limit=2, bootstrap=0, no_cache=True,
                                   store=str(tmp_path / "runs.db")), executor=LocalExecutor(FixedBackend, SourcedMeter))
    # the same variants ranked the other way round under a second profile
    other = dataclasses.replace(result, serving=PREFIX_CACHE, variants=tuple(reversed(result.variants)))
    console = Console(width=120, file=io.StringIO(), color_system=None)
    print_report(dataclasses.replace(result, other_servings=(other,)), console)
    second = console.file.getvalue().split(f"serving profile: {PREFIX_CACHE}")[1].split("side by side")[0]
    rows = [line.split() for line in second.splitlines() if line.startswith(" ") and line.strip()[:1].isdigit()]
    ids = variant_ids(result)
    assert [row[2] if row[1] in "★◆✔?✂" else row[1] for row in rows] == [ids[v.name] for v in other.variants]
    assert [ids[v.name] for v in other.variants] == ["D", "C", "B", "A"]
