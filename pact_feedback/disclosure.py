"""Disclosure control: the one place the small-number rules live (PRODUCT.md section 4).

A colleague who knows their own entries must not be able to work out another's. Every report,
chart and export below network level passes its numbers through these functions.

The rules run on numpy arrays, many published rows at once (`protect_grid`,
`protect_layers`): a round's reports protect over a thousand profiles, and a Python loop per
cell cost most of the time. `protect_row` and `protect_hierarchy` are the same rules for one
row, on plain mappings.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

MIN_CELL_CONTRIBUTORS = 3
MAX_DOMINANCE = 0.70  # no single contributor may hold more than 70% of a cell's minutes
PRACTICE_FLOOR = 3  # a study may raise k_practice above this, never below
SMALL_COUNT = 8  # counts 1..7 are shown as "<8"
ROUND_TO = 5
MIN_QUANTILE_VALUES = 5  # quartiles or a median of fewer values give individuals' figures away
WIDE_ROW = 512  # `_primary_grid` adds up a row of more contributors than this on its own
OWN_NETWORK_REASON = "most of the network is this practice's own clinicians"

SECONDARY_REASON = "withheld so another cell cannot be worked out from the total"
DERIVED_REASON = "withheld so another figure cannot be worked out from the ones shown"
# Why a cell is withheld, by code; code 0 (SHOWN) means it is published.
REASONS = (
    "",
    f"fewer than {MIN_CELL_CONTRIBUTORS} contributors",
    "one contributor accounts for most of the time",
    SECONDARY_REASON,
    DERIVED_REASON,
)
SHOWN, FEW, DOMINATED, SECONDARY, DERIVED = range(len(REASONS))


@dataclass(frozen=True)
class Cell:
    """A published cell: its value, or None with the reason it was withheld."""

    value: float | None
    contributors: int
    reason: str = ""

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass
class CellGrid:
    """Many published rows at once: one row per group of contributors, one column per cell.

    `sums`: minutes in each cell (float), kept even where withheld; `contributors`: how many
    people recorded time there (int); `reasons`: an index into `REASONS`, SHOWN when published.
    """

    sums: np.ndarray
    contributors: np.ndarray
    reasons: np.ndarray

    @property
    def suppressed(self) -> np.ndarray:
        return self.reasons != SHOWN

    def cell(self, row: int, column: int) -> Cell:
        reason = int(self.reasons[row, column])
        value = None if reason else float(self.sums[row, column])
        return Cell(value, int(self.contributors[row, column]), REASONS[reason])


def effective_k_practice(k_practice: int) -> int:
    """The study's minimum contributors for a practice aggregate, never below the floor."""
    return max(int(k_practice), PRACTICE_FLOOR)


def practice_aggregate_allowed(contributors: int, k_practice: int = 5) -> bool:
    return contributors >= effective_k_practice(k_practice)


def network_shown_to_practice(participants_elsewhere: int, k_practice: int = 5) -> bool:
    """A practice sees the network column only when enough of it comes from other practices:
    a network made (almost) of the practice's own clinicians is their aggregate, which the
    practice sees only when enough of them share (`practice_aggregate_allowed`)."""
    return participants_elsewhere >= effective_k_practice(k_practice)


def quantiles_allowed(values: int) -> bool:
    """A median or quartiles only over at least MIN_QUANTILE_VALUES values."""
    return values >= MIN_QUANTILE_VALUES


def _primary(count: np.ndarray, total: np.ndarray, largest: np.ndarray) -> np.ndarray:
    """Reason codes for cells on their own, from each cell's contributors, minutes and largest
    single contribution (empty cells show zero: nobody did this, which reveals nothing)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        dominated = (total > 0) & (largest / total > MAX_DOMINANCE)
    codes = np.where(dominated, DOMINATED, SHOWN)
    codes = np.where(count < MIN_CELL_CONTRIBUTORS, FEW, codes)
    return np.where(count == 0, SHOWN, codes).astype(np.int8)


def primary_reason(minutes_by_contributor: Iterable[float]) -> str:
    """Why a cell must be withheld on its own, or "" when it may be shown."""
    values = [m for m in minutes_by_contributor if m > 0]
    if len(values) < MIN_CELL_CONTRIBUTORS:
        return REASONS[FEW]
    codes = _primary(np.array([len(values)]), np.array([sum(values)]), np.array([max(values)]))
    return REASONS[codes[0]]


def tie_order(keys: Sequence[Hashable]) -> np.ndarray:
    """Each key's rank by its text: among equal values, the cell withheld first."""
    ranks = np.empty(len(keys), dtype=np.int64)
    ranks[sorted(range(len(keys)), key=lambda i: str(keys[i]))] = np.arange(len(keys))
    return ranks


def _smallest(sums: np.ndarray, candidates: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Per row, the column of the smallest candidate cell, ties broken by `order`."""
    values = np.where(candidates, sums, np.inf)
    tied = candidates & (values == values.min(axis=1, keepdims=True))
    return np.where(tied, order, np.iinfo(np.int64).max).argmin(axis=1)


def protect_grid(
    minutes: np.ndarray,
    members: np.ndarray,
    order: np.ndarray,
    *,
    total_shown: bool = True,
    forced: np.ndarray | None = None,
) -> CellGrid:
    """Primary then secondary suppression for many rows at once.

    `minutes`: one row per contributor, one column per cell. `members`: one row per published
    row, the positions in `minutes` of its contributors, padded with -1. `order`: `tie_order`
    of the columns. With a row total shown, a row that withholds exactly one cell withholds its
    smallest other shown cell too, so the first cannot be worked out by subtraction. `forced`
    (rows x columns, bool): cells withheld because another published figure minus this one
    would fail the rules (`failing_differences`), before the secondary step.
    """
    grid = _primary_grid(minutes, members)
    if forced is not None:
        grid.reasons[forced & (grid.reasons == SHOWN)] = DERIVED
    total, count = grid.sums, grid.contributors
    if total_shown:
        suppressed = grid.suppressed
        candidates = ~suppressed & (count > 0)
        rows = np.flatnonzero((suppressed.sum(axis=1) == 1) & candidates.any(axis=1))
        if len(rows):
            grid.reasons[rows, _smallest(total[rows], candidates[rows], order)] = SECONDARY
    return grid


def failing_differences(
    minutes: np.ndarray,
    unknown: np.ndarray,
    outside: np.ndarray,
    *,
    linked: bool = False,
    whole: np.ndarray | None = None,
):
    """Which cells of a difference between two published figures would fail the rules.

    A reader who sees two figures over nested groups of people (the network and a peer group)
    sees their difference too, and a practice lead knows the figures of the colleagues who
    share their reports. `unknown`: one row per difference, the positions of its people less
    those the reader may know (padded with -1); `outside`: the same people less the reader's
    whole practice. A cell fails when the unknown people fail the cell rules, or when all of
    them are the practice's own (it would be the figure of colleagues who did not share).
    With `linked`, also which cells have nobody outside the reader's practice: there the two
    figures differ only by the practice's own people, so they must be withheld together.
    `whole`: the same people of the reader's practice, none left out (`_practice_figure`).
    """
    rest = _primary_grid(minutes, unknown)
    elsewhere = _primary_grid(minutes, outside)
    fails = rest.suppressed | ((elsewhere.contributors == 0) & (rest.contributors > 0))
    fails = _practice_figure(minutes, fails, elsewhere.contributors == 0, whole)
    return (fails, elsewhere.contributors == 0) if linked else fails


def _practice_figure(minutes, fails, inside, whole):
    """Where a difference has nobody outside the reader's practice (`inside`), it is a figure
    of that practice's own people, which every clinician of the practice reads in its report
    knowing only their own minutes: it fails too when all of them, sharers included (`whole`),
    fail the cell rules."""
    if whole is None:
        return fails
    return fails | (inside & _primary_grid(minutes, whole).suppressed)


def failing_complements(
    minutes: np.ndarray,
    removed: np.ndarray,
    widened: np.ndarray,
    *,
    linked: bool = False,
    whole: np.ndarray | None = None,
):
    """`failing_differences` for everyone less a few people, by subtraction.

    `removed`: one row per difference, the positions of the people left out (a column and the
    reader's sharers), padded with -1; `widened`: the same with the reader's whole practice.
    Sums and counts are the network's less the removed people's; the largest contribution is
    the largest among the first len(row) + 1 contributors of each cell. `whole`: the people
    of the reader's practice not in the column, as in `failing_differences`.
    """
    positive = minutes > 0
    count_all = positive.sum(axis=0)
    total_all = np.where(positive, minutes, 0.0).sum(axis=0)
    less = _primary_grid(minutes, removed)
    count = count_all - less.contributors
    total = np.maximum(total_all - less.sums, 0.0)
    largest = _largest_left(minutes, removed)
    codes = _primary(count, total, largest)
    elsewhere = count_all - _primary_grid(minutes, widened).contributors
    fails = (codes != SHOWN) | ((elsewhere == 0) & (count > 0))
    fails = _practice_figure(minutes, fails, elsewhere == 0, whole)
    return (fails, elsewhere == 0) if linked else fails


def _largest_left(minutes: np.ndarray, removed: np.ndarray) -> np.ndarray:
    """Per row and cell, the largest contribution of anyone not in the row of `removed`."""
    k = min(len(minutes), removed.shape[1] + 1)
    result = np.zeros((removed.shape[0], minutes.shape[1]))
    if k == 0:
        return result
    # The k largest of each cell, largest first (which of equal values comes first changes
    # no result: each is the same largest value). Sorting whole columns of a whole-UK round
    # for a few dozen values took most of this function's time.
    top = np.argpartition(-minutes, k - 1, axis=0)[:k]
    ranks = np.argsort(-np.take_along_axis(minutes, top, axis=0), axis=0, kind="stable")
    order = np.take_along_axis(top, ranks, axis=0)  # positions, largest first
    values = np.maximum(np.take_along_axis(minutes, order, axis=0), 0.0)
    # Which of the few people in `order` each row removes, as one (rows, people) table: a
    # np.isin per row was most of the time of a whole-UK round's masks.
    people = np.unique(order)
    place = np.searchsorted(people, removed)
    hit = (removed >= 0) & (people[np.minimum(place, len(people) - 1)] == removed)
    gone = np.zeros((removed.shape[0], len(people)), dtype=bool)
    gone[np.nonzero(hit)[0], place[hit]] = True
    found = np.zeros(result.shape, dtype=bool)
    # Values fall down `order`, so each cell's largest is its first contributor not removed.
    for rank in range(k):
        left = ~gone[:, np.searchsorted(people, order[rank])] & ~found
        result[left] = np.broadcast_to(values[rank], result.shape)[left]
        found |= left
        if found.all():
            break
    return result


def _primary_grid(minutes: np.ndarray, members: np.ndarray) -> CellGrid:
    """Each row's sums, contributors and primary reasons (`protect_grid` before its secondary
    step)."""
    padded = np.vstack([minutes, np.zeros((1, minutes.shape[1]))])  # -1 reads this zero row
    shape = (members.shape[0], minutes.shape[1])
    total, largest = np.zeros(shape), np.zeros(shape)
    count = np.zeros(shape, dtype=np.int64)
    # Rows longest first, so that each step reads only the rows that still have members: a
    # peer group is 40 people where a practice's sharers are 5, and reading every row to the
    # longest one's length was most of the time.
    places = np.arange(1, members.shape[1] + 1)
    length = np.where(members >= 0, places, 0).max(axis=1, initial=0)  # to the last member
    order = np.argsort(-length, kind="stable")
    ranked = members[order]
    # A few very long rows (the whole network: tens of thousands of people) one at a time,
    # a running sum down each, so the step below is not one numpy call per person.
    wide = int(np.count_nonzero(length > WIDE_ROW))
    for i in range(wide):
        values = padded[ranked[i, : length[order[i]]]]
        positive = values > 0
        total[i] = np.cumsum(np.where(positive, values, 0.0), axis=0)[-1]  # in order, as below
        largest[i] = np.fmax(np.fmax.reduce(values, axis=0), 0.0)
        count[i] = positive.sum(axis=0)
    still = len(length) - np.cumsum(np.bincount(length, minlength=members.shape[1] + 1))
    for j in range(min(members.shape[1], WIDE_ROW)):  # one member of every row at a time
        n = still[j]  # the rows (in `order`) still to add to, a prefix, less the wide ones
        values = padded[ranked[wide:n, j]]
        positive = values > 0
        total[wide:n] += np.where(positive, values, 0.0)  # sums add each row's members in order
        np.fmax(largest[wide:n], values, out=largest[wide:n])  # fmax: a missing one is nobody's
        count[wide:n] += positive
    unsorted = np.empty_like(order)
    unsorted[order] = np.arange(len(order))
    total, largest, count = total[unsorted], largest[unsorted], count[unsorted]
    return CellGrid(total, count, _primary(count, total, largest))


def protect_layers(
    detail: CellGrid, totals: CellGrid, children: Sequence[np.ndarray], order: np.ndarray
) -> None:
    """Make two published grids agree where one adds up to the other (categories and groups).

    `children[j]`: the columns of `detail` that add up to column j of `totals`; `order`:
    `tie_order` of the detail columns. A withheld category beside its shown group and shown
    siblings could be worked out by subtraction, and so could a withheld group whose
    categories are all shown. Withholds more (the smallest non-empty sibling, or the group)
    in place until every withheld figure has company; the grids only ever lose values.
    """
    changed = True
    while changed:
        changed = False
        for parent, columns in enumerate(children):
            if not len(columns):
                continue
            hidden = detail.suppressed[:, columns]
            shown = ~hidden & (detail.contributors[:, columns] > 0)
            n_hidden, any_shown = hidden.sum(axis=1), shown.any(axis=1)
            total_hidden = totals.suppressed[:, parent]
            take_child = any_shown & np.where(total_hidden, n_hidden == 0, n_hidden == 1)
            take_total = ~total_hidden & (n_hidden == 1) & ~any_shown
            if take_child.any():
                rows = np.flatnonzero(take_child)
                picked = _smallest(detail.sums[rows][:, columns], shown[rows], order[columns])
                detail.reasons[rows, columns[picked]] = DERIVED
                changed = True
            if take_total.any():
                totals.reasons[take_total, parent] = DERIVED
                changed = True


def protect_row(
    cells: Mapping[Hashable, Iterable[float]], *, total_shown: bool = True
) -> dict[Hashable, Cell]:
    """Apply primary suppression to each cell of a row, then secondary suppression.

    `cells` maps a key (e.g. a category) to the minutes each contributor recorded in it.
    When exactly one cell is withheld and the row total is shown, the withheld value could be
    worked out by subtraction, so the smallest other shown cell is withheld too.
    """
    keys, columns = list(cells), [list(minutes) for minutes in cells.values()]
    if not keys:
        return {}
    minutes = np.zeros((max(1, *map(len, columns)), len(keys)))
    for j, column in enumerate(columns):
        minutes[: len(column), j] = column
    members = np.arange(len(minutes))[np.newaxis, :]
    grid = protect_grid(minutes, members, tie_order(keys), total_shown=total_shown)
    return {key: grid.cell(0, j) for j, key in enumerate(keys)}


def _grid(cells: Sequence[Cell]) -> CellGrid:
    return CellGrid(
        np.array([[c.value or 0.0 for c in cells]], dtype=float),
        np.array([[c.contributors for c in cells]], dtype=np.int64),
        np.array([[FEW if c.suppressed else SHOWN for c in cells]], dtype=np.int8),
    )


def protect_hierarchy(
    detail: Mapping[Hashable, Cell],
    totals: Mapping[Hashable, Cell],
    parent_of: Mapping[Hashable, Hashable],
) -> tuple[dict[Hashable, Cell], dict[Hashable, Cell]]:
    """`protect_layers` for one row of each: a group's value is the sum of its categories."""
    detail_keys, total_keys = list(detail), list(totals)
    detail_grid, totals_grid = _grid(list(detail.values())), _grid(list(totals.values()))
    children = [
        np.array([j for j, k in enumerate(detail_keys) if k in parent_of and parent_of[k] == p])
        for p in total_keys
    ]
    protect_layers(detail_grid, totals_grid, children, tie_order(detail_keys))

    def updated(cells, keys, grid):
        derived = grid.reasons[0] == DERIVED
        return {
            k: Cell(None, cells[k].contributors, DERIVED_REASON) if derived[j] else cells[k]
            for j, k in enumerate(keys)
        }

    return updated(detail, detail_keys, detail_grid), updated(totals, total_keys, totals_grid)


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


def small_numbers_note() -> str:
    """The footnote beside every count shown through `display_count`, built from the same
    constants so that it stays true."""
    return (
        f"Counts are rounded to the nearest {ROUND_TO}, and counts under {SMALL_COUNT} are "
        f"shown as “<{SMALL_COUNT}”, so no one can be picked out."
    )
