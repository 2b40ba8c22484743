"""The search/test split: disjoint, covering, seeded, and refused when a side is empty."""

import pytest

from greenprompt.optimizer.split import split_dataset
from greenprompt.records import Dataset, Item
from greenprompt.records.errors import GreenPromptError


def dataset(n: int) -> Dataset:
    return Dataset("d.csv", tuple(Item(str(i), {"text": f"t{i}"}, "x") for i in range(n)), ("text", "label"), "label")


def ids(d: Dataset) -> list[str]:
    return [i.id for i in d.items]


def test_split_is_disjoint_covers_every_item_and_keeps_the_order():
    s = split_dataset(dataset(100), 0.3, seed=7)
    search, test = ids(s.search), ids(s.test)
    assert len(test) == 30 and len(search) == 70
    assert not set(search) & set(test)
    assert sorted(search + test, key=int) == ids(dataset(100))
    assert search == sorted(search, key=int) and test == sorted(test, key=int)
    assert test != [str(i) for i in range(70, 100)]  # drawn, not the last rows


def test_split_is_seeded():
    assert ids(split_dataset(dataset(50), 0.3, 1).test) == ids(split_dataset(dataset(50), 0.3, 1).test)
    assert ids(split_dataset(dataset(50), 0.3, 1).test) != ids(split_dataset(dataset(50), 0.3, 2).test)


@pytest.mark.parametrize("n, share, message", [(3, 0.1, "leaves no test item"), (3, 0.9, "leaves no item to search on")])
def test_a_split_with_an_empty_side_is_refused(n, share, message):
    with pytest.raises(GreenPromptError, match=message):
        split_dataset(dataset(n), share, 0)
