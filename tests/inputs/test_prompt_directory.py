"""Which files of a prompt directory are variants: its .md and .txt files, except README*,
LICENSE*, CHANGELOG* (any case) and names starting with _ or . (a README.txt beside the
prompt files used to run as a variant)."""

import re

import pytest

from greenprompt.inputs.prompt_sets import is_variant_file, load_prompt_set
from greenprompt.records.errors import GreenPromptError

from fakes import invoke

NOT_VARIANTS = ("README.txt", "readme.md", "ReadMe.MD.txt", "LICENSE.md", "license.txt", "CHANGELOG.md",
                "Changelog.txt", "_draft.md", ".hidden.md", "notes.csv", "prompt.yaml")


def test_a_directory_runs_only_its_prompt_files(tmp_path):
    (tmp_path / "terse.md").write_text("Review: {{ text }}")
    (tmp_path / "one-word.txt").write_text("Review: {{ text }}\nOne word:")
    (tmp_path / "readme-later.md.bak").write_text("not markdown")
    for name in NOT_VARIANTS:
        (tmp_path / name).write_text("This folder holds prompts for {{ text }}.")
    assert [v.name for v in load_prompt_set(tmp_path).variants] == ["one-word", "terse"]


@pytest.mark.parametrize("name", ["terse.md", "01-README.md", "not_readme.txt", "my-license.md", "x_y.txt"])
def test_other_md_and_txt_names_are_variants(name):
    assert is_variant_file(name)


@pytest.mark.parametrize("name", NOT_VARIANTS)
def test_documentation_and_hidden_files_are_not_variants(name):
    assert not is_variant_file(name)


def test_a_directory_of_only_documentation_says_what_it_skipped(tmp_path):
    (tmp_path / "README.md").write_text("# prompts")
    (tmp_path / "_old.txt").write_text("{{ text }}")
    with pytest.raises(GreenPromptError) as e:
        load_prompt_set(tmp_path)
    message = str(e.value)
    assert "README.md, _old.txt skipped" in message and "except README*, LICENSE*, CHANGELOG*" in message
    assert "\n" not in message


def test_the_rule_is_in_the_help():
    for command in ("compare", "estimate"):
        text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", invoke(command, "--help").stdout).split())
        assert ".md and .txt files, except README*, LICENSE*, CHANGELOG* (any case) and names starting with _ or ." in text
