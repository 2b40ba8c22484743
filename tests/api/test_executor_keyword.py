"""compare()/optimize()'s `executor` keyword takes the --executor option as a string ("ray"
used to reach the driver as if it were an executor object: AttributeError) or an executor
object of the engine's seam."""

import sys

import pytest

from greenprompt import compare, optimize
from greenprompt.api.engine import executor_keyword
from greenprompt.records.errors import GreenPromptError

from conftest import EXAMPLE


def test_a_string_is_the_option_an_object_is_the_seam():
    marker = object()
    assert executor_keyword("ray", {"limit": 2}) == (None, {"limit": 2, "executor": "ray"})
    assert executor_keyword(marker, {"limit": 2}) == (marker, {"limit": 2})


@pytest.mark.parametrize("call", [compare, optimize])
def test_executor_ray_by_keyword_reaches_the_ray_executor(call, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # Ray not importable: the install hint proves the option was taken
    with pytest.raises(GreenPromptError, match=r"pip install 'greenprompt-cli\[ray\]'"):
        call(str(EXAMPLE), executor="ray", limit=2, store=str(tmp_path / "s.db"))


def test_an_unknown_executor_name_is_refused(tmp_path):
    with pytest.raises(GreenPromptError, match="executor"):
        compare(str(EXAMPLE), executor="slurm", limit=2, store=str(tmp_path / "s.db"))
