"""Fitted tables: columns that do not fit move to a table below, in their order; the key
columns repeat there; a name wider than the terminal wraps whole instead of vanishing."""

import io

from rich.console import Console

from greenprompt.outputs.fit import Column, Layout, fitted


def render(tables, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    for t in tables:
        console.print(t)
    return console.file.getvalue()


def columns(name: str) -> list[Column]:
    return [Column("id", ("A",), "left", key=True), Column("variant", (name,), "left", key=True, wrap=True),
            Column("quality", ("0.500",)), Column("wide-one", ("x" * 20,), move=2),
            Column("wide-two", ("y" * 20,), move=1), Column("CO2e", ("1 mg",))]


def test_columns_move_below_in_their_order_and_keys_repeat():
    console = Console(width=60, file=io.StringIO())
    tables = fitted(console, Layout("T", "caption"), columns("one-word"), width=60)
    assert [[c.header for c in t.columns] for t in tables] == [
        ["id", "variant", "quality", "wide-one", "CO2e"], ["id", "variant", "wide-two"]]
    assert tables[0].caption is None and tables[1].caption == "caption"
    assert fitted(console, Layout("T"), columns("one-word"), width=200)[0].columns[4].header == "wide-two"


def test_a_name_wider_than_the_terminal_wraps_whole():
    name = "explain-first-with-a-very-long-name@smollm2-135m>gemma3-270m[lp<-0.1]-and-more-words-here"
    console = Console(width=50, file=io.StringIO())
    text = render(fitted(console, Layout("T"), columns(name), width=50), 50)
    assert all(len(line) <= 50 for line in text.splitlines()), text
    lines = text.split("continued")[0].splitlines()
    rows = lines[next(i for i, line in enumerate(lines) if "──" in line) + 1:]  # the first table's rows
    assert "".join(line[5:].split()[0] for line in rows if line[5:].strip()) == name, text
    assert "quality" in text and "CO2e" in text and "wide-one" in text and "wide-two" in text
