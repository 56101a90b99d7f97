"""Disclosure control: the one place the small-number rules live (PRODUCT.md section 4).

A colleague who knows their own entries must not be able to work out another's. Every report,
chart and export below network level passes its numbers through these functions.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

MIN_CELL_CONTRIBUTORS = 3
MAX_DOMINANCE = 0.70  # no single contributor may hold more than 70% of a cell's minutes
PRACTICE_FLOOR = 3  # a study may raise k_practice above this, never below
SMALL_COUNT = 8  # counts 1..7 are shown as "<8"
ROUND_TO = 5


@dataclass(frozen=True)
class Cell:
    """A published cell: its value, or None with the reason it was withheld."""

    value: float | None
    contributors: int
    reason: str = ""

    @property
    def suppressed(self) -> bool:
        return self.value is None


def effective_k_practice(k_practice: int) -> int:
    """The study's minimum contributors for a practice aggregate, never below the floor."""
    return max(int(k_practice), PRACTICE_FLOOR)


def practice_aggregate_allowed(contributors: int, k_practice: int = 5) -> bool:
    return contributors >= effective_k_practice(k_practice)


def primary_reason(minutes_by_contributor: Iterable[float]) -> str:
    """Why a cell must be withheld on its own, or "" when it may be shown."""
    values = [m for m in minutes_by_contributor if m > 0]
    if len(values) < MIN_CELL_CONTRIBUTORS:
        return f"fewer than {MIN_CELL_CONTRIBUTORS} contributors"
    total = sum(values)
    if total and max(values) / total > MAX_DOMINANCE:
        return "one contributor accounts for most of the time"
    return ""


def protect_row(
    cells: Mapping[Hashable, Iterable[float]], *, total_shown: bool = True
) -> dict[Hashable, Cell]:
    """Apply primary suppression to each cell of a row, then secondary suppression.

    `cells` maps a key (e.g. a category) to the minutes each contributor recorded in it.
    When exactly one cell is withheld and the row total is shown, the withheld value could be
    worked out by subtraction, so the smallest other shown cell is withheld too.
    """
    result: dict[Hashable, Cell] = {}
    for key, minutes in cells.items():
        minutes = [m for m in minutes if m > 0]
        if not minutes:  # nobody did this: a zero reveals nothing about anyone
            result[key] = Cell(0.0, 0)
            continue
        reason = primary_reason(minutes)
        result[key] = Cell(None if reason else float(sum(minutes)), len(minutes), reason)
    suppressed = [k for k, c in result.items() if c.suppressed]
    shown = sorted(
        (k for k, c in result.items() if not c.suppressed and c.contributors > 0),
        key=lambda k: (result[k].value, str(k)),
    )
    if total_shown and len(suppressed) == 1 and shown:
        key = shown[0]
        result[key] = Cell(
            None,
            result[key].contributors,
            "withheld so another cell cannot be worked out from the total",
        )
    return result


DERIVED_REASON = "withheld so another figure cannot be worked out from the ones shown"


def protect_hierarchy(
    detail: Mapping[Hashable, Cell],
    totals: Mapping[Hashable, Cell],
    parent_of: Mapping[Hashable, Hashable],
) -> tuple[dict[Hashable, Cell], dict[Hashable, Cell]]:
    """Make two published rows agree when one adds up to the other (categories and groups).

    A group's value is the sum of its categories, so a withheld category beside its shown group
    and shown siblings could be worked out by subtraction, and so could a withheld group whose
    categories are all shown. Withhold more (the smallest non-empty sibling, or the group)
    until every withheld figure has company; the rows only ever lose values.
    """
    detail, totals = dict(detail), dict(totals)
    changed = True
    while changed:
        changed = False
        for parent, total in totals.items():
            children = [k for k, p in parent_of.items() if p == parent and k in detail]
            hidden = [k for k in children if detail[k].suppressed]
            shown = sorted(
                (k for k in children if not detail[k].suppressed and detail[k].contributors > 0),
                key=lambda k: (detail[k].value, str(k)),
            )
            if total.suppressed and not hidden and shown:
                detail[shown[0]] = Cell(None, detail[shown[0]].contributors, DERIVED_REASON)
                changed = True
            elif not total.suppressed and len(hidden) == 1:
                if shown:
                    detail[shown[0]] = Cell(None, detail[shown[0]].contributors, DERIVED_REASON)
                else:
                    totals[parent] = Cell(None, total.contributors, DERIVED_REASON)
                changed = True
    return detail, totals


def role_split_allowed(
    cells_by_role: Mapping[Hashable, Mapping[Hashable, Iterable[float]]],
) -> bool:
    """A practice's figures may be split by role only if every cell of every role passes."""
    return all(
        not primary_reason(minutes)
        for cells in cells_by_role.values()
        for minutes in cells.values()
    )


def display_count(n: int) -> str:
    """A count as shown in any table below network level: 0, "<8", or rounded to 5."""
    if n <= 0:
        return "0"
    if n < SMALL_COUNT:
        return f"<{SMALL_COUNT}"
    return str(int(ROUND_TO * round(n / ROUND_TO)))
