"""Write arithmetic.csv: 120 one-step arithmetic word problems with integer answers.

Our own text, drawn from a seeded random generator, so the file is the same on every
machine: `python benchmarks/data/make_arithmetic.py` rewrites it byte for byte. The
numbers are small (sums up to 30, products up to 50) so that the default model (a 135M
model) gets some right: a task it always fails leaves nothing for non-inferiority to test.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "arithmetic.csv"
ROWS = 120
SEED = 14  # issue 14

NAMES = ["Maya", "Omar", "Lena", "Tom", "Aisha", "Ben", "Chloe", "Diego", "Ema", "Farid", "Grace", "Hugo",
         "Ines", "Jonas", "Kira", "Luca", "Mina", "Noah", "Olga", "Pablo", "Rosa", "Sami", "Tara", "Yusuf"]
THINGS = ["apples", "pencils", "stickers", "marbles", "books", "cookies", "shells", "stamps", "coins", "cards"]


def add(rng: random.Random, name: str, thing: str) -> tuple[str, int]:
    a, b = rng.randint(2, 15), rng.randint(2, 15)
    return f"{name} has {a} {thing}. A friend gives {name} {b} more {thing}. How many {thing} does {name} have now?", a + b


def subtract(rng: random.Random, name: str, thing: str) -> tuple[str, int]:
    a = rng.randint(8, 30)
    b = rng.randint(1, a - 1)
    return f"{name} had {a} {thing} and gave away {b} of them. How many {thing} does {name} have left?", a - b


def multiply(rng: random.Random, name: str, thing: str) -> tuple[str, int]:
    a, b = rng.randint(2, 5), rng.randint(2, 10)
    return f"{name} has {a} boxes with {b} {thing} in each box. How many {thing} does {name} have in all?", a * b


def divide(rng: random.Random, name: str, thing: str) -> tuple[str, int]:
    per, friends = rng.randint(2, 6), rng.randint(2, 5)
    return (f"{name} shares {per * friends} {thing} equally among {friends} friends. "
            f"How many {thing} does each friend get?"), per


KINDS = (add, subtract, multiply, divide)


def rows() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    out = []
    for i in range(ROWS):
        kind = KINDS[i % len(KINDS)]  # an equal share of each operation
        question, answer = kind(rng, rng.choice(NAMES), rng.choice(THINGS))
        out.append({"question": question, "answer": str(answer)})
    return out


def main() -> None:
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["question", "answer"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows())
    print(f"wrote {ROWS} rows to {OUT}")


if __name__ == "__main__":
    main()
