"""math-prm: worked answers to word problems; the rejected one makes a single arithmetic slip.

Numbers are computed here, never typed, so every chosen answer is right and every rejected one is
wrong in exactly one step (carried through to its final answer).
"""

from __future__ import annotations

from .base import PairTemplate

_NAMES = ["Mia", "Omar", "Lena", "Kofi", "Priya", "Tom", "Sara", "Diego", "Yuki", "Anna", "Ravi", "Ella"]
_GOODS = ["stickers", "marbles", "pencils", "cookies", "stamps", "beads"]


def _slip(value: int, i: int) -> int:
    """A plausible wrong result: off by 2, up or down."""
    return value + (2 if i % 2 else -2)


def _pack_items() -> list[dict[str, str]]:
    rows = []
    for i, name in enumerate(_NAMES * 2):
        a, b = 3 + i % 5, 6 + (7 * i) % 9
        total, wrong_total = a * b, _slip(a * b, i)
        given = 2 + (3 * i) % 7
        rows.append(
            {
                "name": name,
                "goods": _GOODS[i % len(_GOODS)],
                "a": str(a),
                "b": str(b),
                "c": str(given),
                "total": str(total),
                "left": str(total - given),
                "wrong_total": str(wrong_total),
                "wrong_left": str(wrong_total - given),
            }
        )
    return rows


_PACKS = PairTemplate(
    prompt=(
        "$name buys $a packs of $goods with $b in each pack, then gives $c away. How many $goods does $name "
        "have now?"
    ),
    chosen=(
        "$name starts with $a × $b = $total $goods.\nAfter giving $c away: $total − $c = $left.\nThe answer "
        "is $left."
    ),
    rejected=(
        "$name starts with $a × $b = $wrong_total $goods.\nAfter giving $c away: $wrong_total − $c = "
        "$wrong_left.\nThe answer is $wrong_left."
    ),
    items=_pack_items(),
)


def _perimeter_items() -> list[dict[str, str]]:
    rows = []
    for i, (w, h) in enumerate((w, h) for w in range(3, 13, 2) for h in range(14, 30, 4)):
        s, ws = w + h, _slip(w + h, i)
        rows.append(
            {"w": str(w), "h": str(h), "s": str(s), "p": str(2 * s), "ws": str(ws), "wp": str(2 * ws)}
        )
    return rows


_PERIMETER = PairTemplate(
    prompt="A rectangle is $w cm wide and $h cm long. What is its perimeter?",
    chosen="The perimeter is 2 × ($w + $h) = 2 × $s = $p cm.\nThe answer is $p cm.",
    rejected="The perimeter is 2 × ($w + $h) = 2 × $ws = $wp cm.\nThe answer is $wp cm.",
    items=_perimeter_items(),
)


def _percent_items() -> list[dict[str, str]]:
    rows = []
    for i, (p, n) in enumerate((p, n) for p in (10, 20, 25, 40, 50) for n in (60, 80, 120, 240)):
        part = p * n // 100
        rows.append({"p": str(p), "n": str(n), "ans": str(part), "wrong": str(_slip(part, i))})
    return rows


_PERCENT = PairTemplate(
    prompt="What is $p% of $n?",
    chosen="$p% of $n is $n × $p ÷ 100 = $ans.\nThe answer is $ans.",
    rejected="$p% of $n is $n × $p ÷ 100 = $wrong.\nThe answer is $wrong.",
    items=_percent_items(),
)


def _speed_items() -> list[dict[str, str]]:
    rows = []
    for i, (t, v) in enumerate((t, v) for t in (2, 3, 4, 5) for v in (45, 60, 72, 85, 90)):
        rows.append({"d": str(t * v), "t": str(t), "v": str(v), "wrong": str(_slip(v, i))})
    return rows


_SPEED = PairTemplate(
    prompt="A train travels $d km in $t hours. What is its average speed?",
    chosen="Average speed = distance ÷ time = $d ÷ $t = $v km/h.\nThe answer is $v km/h.",
    rejected="Average speed = distance ÷ time = $d ÷ $t = $wrong km/h.\nThe answer is $wrong km/h.",
    items=_speed_items(),
)

TEMPLATES: dict[str, tuple[PairTemplate, ...]] = {
    "math-prm": (_PACKS, _PERIMETER, _PERCENT, _SPEED),
}
