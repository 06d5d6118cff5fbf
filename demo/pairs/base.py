"""Pair templates: hand-written prompt / chosen / rejected texts with slots for entities.

A template is filled once per *item* (an entity bundle: a country and its capital, a function
name, two numbers and their product ...) and once per *variant* (a rewording of the prompt, a
second way to be wrong). Items, not filled texts, are what the sample and the training set split
on, so an entity seen in training never appears in the sample (see `demo/sample_data.py`).

Texts use `string.Template` placeholders (`$name`), because the code templates are full of braces.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from string import Template
from typing import Iterator, Mapping, Sequence

Item = Mapping[str, str]


@dataclass(frozen=True)
class Pair:
    prompt: str
    chosen: str
    rejected: str


@dataclass(frozen=True)
class PairTemplate:
    prompt: str
    chosen: str
    rejected: str
    items: Sequence[Item]
    # Slot -> alternatives; every combination is a variant of each item.
    variants: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def item_key(self, item: Item) -> str:
        """What identifies an item: its slot values, in a fixed order."""
        return "|".join(f"{k}={item[k]}" for k in sorted(item))

    def fill(self, item: Item) -> list[Pair]:
        """Every variant of one item, in a fixed order."""
        names = sorted(self.variants)
        pairs = []
        for values in itertools.product(*(self.variants[n] for n in names)):
            variant = dict(zip(names, values))
            texts = (self.prompt, self.chosen, self.rejected)
            pairs.append(Pair(*(_render(text, variant, item) for text in texts)))
        return pairs


def _render(text: str, variant: Mapping[str, str], item: Item) -> str:
    """Variants first (a prompt variant may name item slots such as $topic), then the item's values.

    Item values are inserted last and never re-read, so they may contain '$' (prices)."""
    with_variant = Template(text).safe_substitute(variant)
    return Template(with_variant).substitute(item)


def items(**slots: Sequence[str]) -> list[dict[str, str]]:
    """Every combination of independent slot values, as items."""
    names = list(slots)
    return [dict(zip(names, values)) for values in itertools.product(*slots.values())]


def bundles(names: str, *rows: Sequence[str]) -> list[dict[str, str]]:
    """Items whose slots go together: `bundles("country capital", ("Peru", "Lima"), ...)`."""
    keys = names.split()
    for row in rows:
        if len(row) != len(keys):
            raise ValueError(f"expected {len(keys)} values ({names}), got {row!r}")
    return [dict(zip(keys, row)) for row in rows]


def iter_pairs(template: PairTemplate) -> Iterator[tuple[str, Pair]]:
    """(item key, pair) for every item and variant of `template`."""
    for item in template.items:
        for pair in template.fill(item):
            yield template.item_key(item), pair
