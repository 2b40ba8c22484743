"""The search/test split: a seeded, disjoint partition of the dataset's items.

The search only ever sees the search split; every winner is re-measured on the test split
(the held-out items), so a prompt tuned to the search items cannot pass on them alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from greenprompt.records import Dataset
from greenprompt.records.errors import GreenPromptError


@dataclass(frozen=True)
class Split:
    search: Dataset
    test: Dataset
    share: float
    seed: int


def split_dataset(dataset: Dataset, test_share: float, seed: int) -> Split:
    """round(n x test_share) items, drawn with `seed`, held out; each split keeps the
    dataset's item order. Bad input: a split that leaves no test item or no search item."""
    n = len(dataset.items)
    n_test = int(round(n * test_share))
    if n_test < 1:
        raise GreenPromptError(
            f"--test-split {test_share:g} of {n} item(s) leaves no test item; raise --test-split or use more rows"
        )
    if n_test >= n:
        raise GreenPromptError(
            f"--test-split {test_share:g} of {n} item(s) leaves no item to search on; lower --test-split or use more rows"
        )
    held = set(np.random.default_rng(seed).permutation(n)[:n_test].tolist())
    search = tuple(item for i, item in enumerate(dataset.items) if i not in held)
    test = tuple(item for i, item in enumerate(dataset.items) if i in held)
    return Split(replace(dataset, items=search), replace(dataset, items=test), test_share, seed)
