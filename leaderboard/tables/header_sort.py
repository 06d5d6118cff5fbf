"""The order a reader gave a table through its header menu, applied on the server (pure).

Gradio 6.31 sorts a Dataframe in the browser and tells the server nothing, and its table is virtual:
only the rows in view are in the page, so the page cannot send the order it shows. What the page can
send is *which* columns are sorted and how (the sorted headers carry `aria-label="Sorted ascending"`;
see `SORT_WATCHER`), and the server orders its own rows the same way: the CSV then comes in the
order shown, and the caption and the significance mark can follow.

Gradio's table sorts with TanStack Table's automatic rule, reproduced here exactly (its bundle was
read for it): the rule of a column is chosen from its rows after the tenth (TanStack looks at
`rows.slice(10)`): any string holding a digit -> "alphanumeric" (lower-cased, runs of digits compared
as numbers, text before numbers), any other string -> "text" (lower-cased), none -> "basic" (plain
`>`, where a missing number is JavaScript's null). Keys apply in priority order, descending flips a
key, and rows equal on every key keep their ranking order.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import pandas as pd

ASCENDING, DESCENDING = "asc", "desc"
MAX_STATE_CHARS = 4000  # the page sends a few headers; anything longer is not from our script
_DIGITS = re.compile(r"([0-9]+)")

# Run once per page (Gradio's `js`): whenever a watched table's sorted headers change, write them, in
# priority order, into its hidden textbox and tell Gradio (an `input` event), so the server follows;
# while a sort is on, the cells of the columns that only mean something in ranking order are hidden.
SORT_WATCHER = """
() => {
  const watched = %(watched)s;  // [table id, state box id]
  const rankingOnly = %(ranking_only)s;
  const hide = (tableId, table, sorted) => {
    const styleId = `${tableId}-sort-style`;
    let style = document.getElementById(styleId);
    if (!style) {
      style = document.createElement('style');
      style.id = styleId;
      document.head.appendChild(style);
    }
    const rules = [];
    if (sorted) {
      for (const th of table.querySelectorAll('th[title][data-heading]')) {
        if (!rankingOnly.includes(th.getAttribute('title'))) continue;
        const col = th.getAttribute('data-heading');
        rules.push(`#${tableId} [role=gridcell][data-col="${col}"] > * { visibility: hidden; }`);
      }
    }
    const css = rules.join('\\n');
    if (style.textContent !== css) style.textContent = css;
  };
  const send = (tableId, stateId) => {
    const box = document.querySelector(`#${stateId} textarea, #${stateId} input`);
    const table = document.getElementById(tableId);
    if (!box || !table) return;
    const seen = new Map();
    for (const th of table.querySelectorAll('th.sorted[title]')) {
      const label = th.querySelector('[aria-label^="Sorted "]');
      const priority = parseInt(th.querySelector('.sort-priority')?.textContent || '1', 10);
      const direction = label && label.getAttribute('aria-label').includes('desc') ? 'desc' : 'asc';
      seen.set(th.getAttribute('title'), [priority, direction]);
    }
    const keys = [...seen].sort((a, b) => a[1][0] - b[1][0]).map(([title, [, direction]]) => [title, direction]);
    const state = keys.length ? JSON.stringify(keys) : '';
    hide(tableId, table, keys.length > 0);
    if (box.value === state) return;
    box.value = state;
    box.dispatchEvent(new Event('input', { bubbles: true }));
  };
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; for (const [t, s] of watched) send(t, s); });
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'aria-label'] });
}
"""


def state_elem_id(table_elem_id: str) -> str:
    """The hidden textbox a watched table's sort state is written into."""
    return f"{table_elem_id}-sort-state"


def sort_watcher(tables: Sequence[str], ranking_only: Sequence[str]) -> str:
    """The page script, watching the tables with these element ids (each with its `state_elem_id`
    textbox) and hiding the cells of the `ranking_only` columns while a header sort is on."""
    watched = [[table, state_elem_id(table)] for table in tables]
    return SORT_WATCHER % {"watched": json.dumps(watched), "ranking_only": json.dumps(list(ranking_only))}


@dataclass(frozen=True)
class SortKey:
    column: str
    descending: bool


@dataclass(frozen=True)
class HeaderSort:
    keys: tuple[SortKey, ...] = ()

    @classmethod
    def parse(cls, text: Optional[str], headers: Sequence[str]) -> "HeaderSort":
        """The page's sort state (`[["Math", "asc"], ...]`, in priority order). Anyone can send
        anything to an endpoint: what is not a list of known headers with a direction is no sort."""
        if not text or len(text) > MAX_STATE_CHARS:
            return cls()
        try:
            raw = json.loads(text)
        except ValueError:
            return cls()
        if not isinstance(raw, list):
            return cls()
        keys = []
        for item in raw:
            if not (isinstance(item, list) and len(item) == 2 and item[0] in headers and item[1] in (ASCENDING, DESCENDING)):
                return cls()
            keys.append(SortKey(item[0], item[1] == DESCENDING))
        return cls(tuple(keys))

    def __bool__(self) -> bool:
        return bool(self.keys)

    def order(self, shown: pd.DataFrame) -> list[int]:
        """Positions of `shown`'s rows (the values the page holds, in ranking order) as the page sorts them."""
        keys = []
        for key in self.keys:
            values = [_js_value(v) for v in shown[key.column].tolist()]
            keys.append((_auto_rule(values), values, key.descending))

        def compare(a: int, b: int) -> int:
            for rule, values, descending in keys:
                result = rule(values[a], values[b])
                if result:
                    return -result if descending else result
            return a - b

        return sorted(range(len(shown)), key=functools.cmp_to_key(compare))

    def describe(self) -> str:
        """`Math (ascending), then Score (descending)`."""
        return ", then ".join(f"{k.column} ({'descending' if k.descending else 'ascending'})" for k in self.keys)


def _js_value(value: Any) -> Any:
    """A cell as the page holds it: a missing number arrives as null."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _auto_rule(values: list[Any]):
    strings = [v for v in values[10:] if isinstance(v, str)]
    if any(_DIGITS.search(v) for v in strings):
        return _alphanumeric
    return _text if strings else _basic


def _js_number(value: Any) -> float:
    """JavaScript's Number(): null is 0, text that is no number is NaN."""
    if value is None:
        return 0.0
    if isinstance(value, str):
        try:
            return float(value.strip() or 0)
        except ValueError:
            return math.nan
    return float(value)


def _basic(a: Any, b: Any) -> int:
    """`a === b ? 0 : a > b ? 1 : -1`, with JavaScript's `>`."""
    if isinstance(a, str) and isinstance(b, str):
        return 0 if a == b else 1 if a > b else -1
    if a is None or b is None or isinstance(a, str) or isinstance(b, str):  # `===` fails across types
        return 0 if a is None and b is None else 1 if _js_number(a) > _js_number(b) else -1
    return 0 if a == b else 1 if a > b else -1


def _as_text(value: Any) -> str:
    """TanStack's toString for sorting: numbers as JavaScript writes them, anything else but text empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return ""


def _text(a: Any, b: Any) -> int:
    x, y = _as_text(a).lower(), _as_text(b).lower()
    return 0 if x == y else 1 if x > y else -1


def _alphanumeric(a: Any, b: Any) -> int:
    """Runs of digits and the rest, lower-cased: two runs of digits compare as numbers, a run of
    digits comes after other text, two other texts compare as text; then the shorter first."""
    left = [p for p in _DIGITS.split(_as_text(a).lower()) if p]
    right = [p for p in _DIGITS.split(_as_text(b).lower()) if p]
    while left and right:
        x, y = left.pop(0), right.pop(0)
        if x.isdigit() and y.isdigit():
            if int(x) != int(y):
                return 1 if int(x) > int(y) else -1
        elif x.isdigit() or y.isdigit():
            return 1 if x.isdigit() else -1
        elif x != y:
            return 1 if x > y else -1
    return len(left) - len(right)
