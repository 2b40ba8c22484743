"""Write names.csv: 120 short sentences, each naming one person, and that person's name.

Our own text, drawn from a seeded random generator, so the file is the same on every
machine: `python benchmarks/data/make_names.py` rewrites it byte for byte (`--seed S
--out FILE` writes another draw, e.g. a pilot set that is not the task's). Each sentence
names one person among places, objects and times, so the answer is a name copied from the
text: a task within reach of the default model (a 135M model), unlike arithmetic.csv's
word problems (the model scored 0.024 on those, which leaves nothing for non-inferiority to
test). Half the sentences put the name first, half later, so that the name is not always
the first word.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "names.csv"
ROWS = 120
SEED = 1414  # issue 14's third task, second try (arithmetic.csv used 14)

NAMES = ["Maya", "Omar", "Lena", "Tomas", "Aisha", "Benjamin", "Chloe", "Diego", "Emma", "Farid", "Grace",
         "Hugo", "Ines", "Jonas", "Kira", "Luca", "Mina", "Noah", "Olga", "Pablo", "Rosa", "Samir", "Tara",
         "Yusuf", "Nadia", "Victor", "Hannah", "Igor", "Sofia", "Kenji", "Amara", "Rafael"]
PLACES = ["the station", "the library", "the market", "the harbour", "the museum", "the bakery", "the park",
          "the old bridge", "the bus stop", "the school", "the garden", "the hospital"]
CITIES = ["Lyon", "Porto", "Leeds", "Graz", "Bergen", "Turin", "Ghent", "Krakow", "Malaga", "Utrecht"]
OBJECTS = ["an umbrella", "a red bicycle", "a blue notebook", "a pair of gloves", "a small radio",
           "a wooden chair", "a box of tea", "a silver watch", "a map of the city", "a basket of plums"]
TIMES = ["On Monday morning", "Late last night", "Before lunch", "Yesterday afternoon", "Early on Sunday",
         "After the rain stopped", "Last winter", "At noon"]
NAME_FIRST = [
    "{name} left {obj} at {place} in {city}.",
    "{name} bought {obj} at {place} in {city}.",
    "{name} repaired {obj} near {place}.",
    "{name} carried {obj} from {place} to the car.",
    "{name} found {obj} behind {place} in {city}.",
]
NAME_LATER = [
    "{time}, {name} left {obj} at {place} in {city}.",
    "{time}, a neighbour saw {name} carrying {obj} past {place}.",
    "At {place} in {city}, {name} sold {obj} to a tourist.",
    "{time}, {obj} was returned to {name} at {place}.",
    "The clerk at {place} gave {obj} to {name}.",
]


def rows(seed: int = SEED, n: int = ROWS) -> list[dict[str, str]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        patterns = NAME_FIRST if i % 2 == 0 else NAME_LATER  # half name first, half later
        name = rng.choice(NAMES)
        sentence = rng.choice(patterns).format(name=name, obj=rng.choice(OBJECTS), place=rng.choice(PLACES),
                                               city=rng.choice(CITIES), time=rng.choice(TIMES))
        out.append({"sentence": sentence[0].upper() + sentence[1:], "name": name})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["sentence", "name"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows(args.seed, args.rows))
    print(f"wrote {args.rows} rows to {args.out}")


if __name__ == "__main__":
    main()
