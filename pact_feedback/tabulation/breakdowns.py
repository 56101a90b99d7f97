"""Uptake broken down by practice characteristics, with small groups withheld.

A group with fewer than MIN_GROUP responding practices is withheld. Within one table, the
withheld groups must have company: while only one is withheld, or all withheld groups are
single practices (their sizes could then be pinned), the smallest shown group is withheld
too. Nations and regions are protected together (docs/decisions/0005): the regions of a
withheld nation are not listed at all, a nation whose regions cannot be protected is
withheld itself, and a table whose groups would all be withheld lists none of them.
The rule is audited by linear programming over every table of the page
(tests/disclosure_audit/).
"""

import math
from collections.abc import MutableMapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from pact_feedback.disclosure import MIN_CELL_CONTRIBUTORS
from pact_feedback.tabulation.tables import largest_remainder

MIN_GROUP = MIN_CELL_CONTRIBUTORS  # fewer than 3 practices: withheld
NOT_ANSWERED = "Not answered"
BREAKDOWNS = {
    "nation": "Nation",
    "region": "Region",
    "list_size_band": "List size",
    # Each nation ranks its own practices (English IMD, WIMD, SIMD, NIMDM): not comparable across.
    "imd_quintile": "Deprivation (IMD quintile within each nation's own index)",
    "respondent_role": "Respondent's role",
}
_BANDS = ((5000, "Under 5,000"), (10000, "5,000 to 9,999"), (15000, "10,000 to 14,999"))


def list_size_band(list_size: int) -> str:
    for upper, label in _BANDS:
        if list_size < upper:
            return label
    return "15,000 or more"


def imd_quintile(decile: int) -> str:
    quintile = (int(decile) + 1) // 2
    suffix = {1: " (most deprived)", 5: " (least deprived)"}.get(quintile, "")
    return f"{quintile}{suffix}"


def add_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with list_size_band and imd_quintile columns added (from list_size, imd_decile),
    and a missing region named within its nation, so every region belongs to one nation."""
    out = frame.copy()
    if "region" in out:
        missing = out["region"].isna() | (out["region"].astype(object) == "")
        out.loc[missing, "region"] = [f"{NOT_ANSWERED} ({n})" for n in out.loc[missing, "nation"]]
    bins = [-1] + [upper - 1 for upper, _ in _BANDS] + [float("inf")]
    labels = [label for _, label in _BANDS] + ["15,000 or more"]
    out["list_size_band"] = pd.cut(out["list_size"], bins=bins, labels=labels).astype(object)
    quintiles = {d: imd_quintile(d) for d in range(1, 11)}
    out["imd_quintile"] = out["imd_decile"].map(quintiles)
    return out


def group_labels(values) -> np.ndarray:
    """The group of each row of a breakdown column, as an object array: missing is NOT_ANSWERED."""
    groups = np.array(values, dtype=object)  # a copy
    groups[pd.isna(groups)] = NOT_ANSWERED
    return groups


def group_counts(
    frame: pd.DataFrame, by: str, code: str, choices: list[tuple[str, str]], labels=None
) -> pd.DataFrame:
    """Answers to `code` by the groups in column `by`, nothing withheld (sorted by group).

    `frame`: one row per responding practice with columns `by` and `code`. `labels` maps group
    values to words (e.g. choice labels of respondent_role). Returns columns n_responded and
    n_<choice> for each choice.
    """
    return counts_table(
        group_labels(frame[by]), frame[code].to_numpy(dtype=object), by, choices, labels
    )


def counts_table(
    groups: np.ndarray, answers: np.ndarray, by: str, choices: list[tuple[str, str]], labels=None
) -> pd.DataFrame:
    """`group_counts` from the rows' groups (`group_labels`) and answers (object arrays, None
    or NaN where unanswered). One pass: every (group, answer) pair counted at once.

    A group is listed when at least one of its practices answered, even with an answer that is
    not among `choices` (it then counts 0 towards n_responded, which sums the choices only).
    """
    return counts_from_ids(pd.factorize(groups), answer_ids(answers), by, choices, labels)


def answer_ids(answers: np.ndarray) -> tuple:
    """(which rows answered, each answer's number, the distinct answers) for `counts_from_ids`."""
    given = pd.notna(answers)
    return (given, *pd.factorize(answers[given]))


class Counted(NamedTuple):
    """A breakdown's counts before any withholding: the groups in table order (sorted, list
    sizes in size order) and, for each, the practices giving each choice (groups x choices)."""

    groups: pd.Index  # named after the breakdown column
    counts: np.ndarray

    def sizes(self) -> pd.Series:
        """Practices that answered, by group (n_responded): what the withholding rules read."""
        return pd.Series(self.counts.sum(axis=1), index=self.groups, name="n_responded")


def count_ids(groups: tuple, answers: tuple, by: str, codes: list[str], labels=None) -> Counted:
    """`counts_from_ids` as plain arrays (no frame), for a page that goes on to withhold and
    show them: each of its many small frames would cost more than the counting."""
    group_of, group_values = groups
    given, answer_of, answer_values = answers
    if not given.any():
        return Counted(pd.Index([], dtype=object, name=by), np.zeros((0, len(codes)), np.int64))
    n_groups, n_answers = len(group_values), len(answer_values)
    pairs = np.bincount(
        group_of[given] * n_answers + answer_of, minlength=n_groups * n_answers
    ).reshape(n_groups, n_answers)
    present = pairs.sum(axis=1) > 0  # groups with at least one practice that answered
    pairs = pairs[present]
    column_of = {value: i for i, value in enumerate(answer_values)}
    counts = np.zeros((len(pairs), len(codes)), dtype=np.int64)
    for j, c in enumerate(codes):
        if c in column_of:
            counts[:, j] = pairs[:, column_of[c]]
    keys = list(group_values[present])
    if labels:  # two codes may share a label: their counts are added
        merged: dict = {}
        for key, row in zip(keys, counts, strict=True):
            label = labels.get(key, key)
            merged[label] = merged[label] + row if label in merged else row
        keys, counts = list(merged), np.array(list(merged.values()), dtype=np.int64)
    order = _group_order(keys, by)
    return Counted(pd.Index([keys[i] for i in order], name=by), counts[order])


def _group_order(keys: list, by: str) -> list[int]:
    """Positions of `keys` sorted as `sort_index` sorts them, list-size bands in size order."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    if by != "list_size_band":
        return order
    bands = [label for _, label in _BANDS] + ["15,000 or more", NOT_ANSWERED]
    rank = {g: bands.index(g) if g in bands else 99 for g in keys}
    return sorted(order, key=lambda i: rank[keys[i]])


def counts_from_ids(
    groups: tuple, answers: tuple, by: str, choices: list[tuple[str, str]], labels=None
) -> pd.DataFrame:
    """`counts_table` from `pd.factorize(groups)` and `answer_ids(answers)`, so that a page
    counting many questions by the same groups numbers each column's groups once, and each
    question's answers once for all its breakdowns."""
    codes = [c for c, _ in choices]
    counted = count_ids(groups, answers, by, codes, labels)
    if not len(counted.groups):
        return _no_counts(by, codes)
    counts = counted.counts
    return pd.DataFrame(
        {
            "n_responded": counts.sum(axis=1),
            **{f"n_{c}": counts[:, j] for j, c in enumerate(codes)},
        },
        index=counted.groups,
    )


def _no_counts(by: str, codes: list[str]) -> pd.DataFrame:
    """`group_counts` when no practice answered: no groups, whole-number columns."""
    columns = ["n_responded", *(f"n_{c}" for c in codes)]
    return pd.DataFrame(
        {col: np.array([], dtype=np.int64) for col in columns},
        index=pd.Index([], dtype=object, name=by),
    )


def _in_order(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """List-size bands in size order, not the order of their words."""
    if by != "list_size_band":
        return table
    order = [label for _, label in _BANDS] + ["15,000 or more", NOT_ANSWERED]
    return table.loc[sorted(table.index, key=lambda g: order.index(g) if g in order else 99)]


def breakdown(
    frame: pd.DataFrame,
    by: str,
    code: str,
    choices: list[tuple[str, str]],
    labels=None,
    *,
    withheld: pd.Series | None = None,
) -> pd.DataFrame:
    """`group_counts` with whole percentages (adding to 100) and small groups withheld.

    Returns columns: n_responded, n_<choice> and pct_<choice> for each choice, withheld (bool).
    Counts and percentages of withheld groups are empty (NA). `withheld` (from
    `withheld_hierarchy`) decides which groups; by default the siblings rule on this table
    alone. Groups it leaves out (the regions of a withheld nation) are not listed; when every
    group would be withheld none is listed and `table.attrs["withheld_whole"]` is True.
    """
    table = group_counts(frame, by, code, choices, labels)
    return shown_breakdown(table, [c for c, _ in choices], withheld)


def shown_breakdown(table: pd.DataFrame, codes: list[str], withheld=None) -> pd.DataFrame:
    """`breakdown` from a `group_counts` table of the choice `codes`."""
    counts = table[[f"n_{c}" for c in codes]].to_numpy(dtype=np.int64)
    return shown_counts(Counted(table.index, counts), codes, withheld)


def shown_counts(counted: Counted, codes: list[str], withheld=None) -> pd.DataFrame:
    """`shown_breakdown` from `count_ids`, building the one frame it returns."""
    return shown_frame(shown_parts(counted, codes, withheld))


class Shown(NamedTuple):
    """A breakdown as `shown_counts` shows it, before it is made a frame: the listed groups,
    each column's whole numbers (n_responded, n_<choice>..., pct_<choice>...), which groups
    are withheld, and whether the whole table is."""

    groups: pd.Index
    columns: dict  # column name -> int64 array, one value per listed group
    hidden: np.ndarray  # bool, one per listed group
    whole: bool


def shown_parts(counted: Counted, codes: list[str], withheld=None) -> Shown:
    """What `shown_counts` puts in its frame, as arrays."""
    counts, sizes = counted.counts, counted.counts.sum(axis=1)
    shares = np.array([largest_remainder(row) for row in counts.tolist()], dtype=np.int64).reshape(
        counts.shape
    )
    if withheld is None:
        withheld, _ = _withheld_siblings(counted.sizes())
    hiding = dict(zip(withheld.index, withheld.to_numpy(dtype=bool).tolist(), strict=True))
    groups = counted.groups.tolist()
    listed = np.array([g in hiding for g in groups], dtype=bool)
    hidden = np.array([hiding[g] for g in groups if g in hiding], dtype=bool)
    columns = {"n_responded": sizes[listed]}
    columns |= {f"n_{c}": counts[listed, j] for j, c in enumerate(codes)}
    columns |= {f"pct_{c}": shares[listed, j] for j, c in enumerate(codes)}
    whole = bool(len(hidden)) and bool(hidden.all())
    return Shown(counted.groups[listed], columns, hidden, whole)


def shown_frame(shown: Shown) -> pd.DataFrame:
    """The frame of `shown_counts` (see `breakdown`) from its `shown_parts`."""
    out = pd.DataFrame(
        {
            **{
                col: pd.arrays.IntegerArray(values.astype(np.int64), shown.hidden.copy())
                for col, values in shown.columns.items()
            },
            "withheld": shown.hidden,
        },
        index=shown.groups,
    )
    if shown.whole:
        out = out.iloc[0:0]
    out.attrs["withheld_whole"] = shown.whole
    return out


def shown_rows(shown: Shown) -> dict:
    """The rows of `shown_frame(shown)` as `frame.to_dict("index")` gives them (Python ints,
    None where withheld, `withheld` as a bool), from the arrays: the statistics page reads
    these, and building some fifty frames only to read them back cost more than the counting."""
    if shown.whole:
        return {}
    names = [*shown.columns, "withheld"]
    hidden = shown.hidden.tolist()
    cells = zip(*(values.tolist() for values in shown.columns.values()), strict=True)
    return {
        group: dict(zip(names, [*((None,) * (len(names) - 1) if hide else row), hide], strict=True))
        for group, row, hide in zip(shown.groups.tolist(), cells, hidden, strict=True)
    }


class Breakdowns(MutableMapping):
    """(question code, group column) -> breakdown frame (`shown_counts`), in the order added;
    a frame added as its `shown_parts` is built the first time it is read. The statistics page
    reads only `rows` and `withheld_whole`, the CSV and the API the frames."""

    def __init__(self):
        self._items: dict = {}

    def __getitem__(self, key) -> pd.DataFrame:
        value = self._items[key]
        if isinstance(value, Shown):
            value = self._items[key] = shown_frame(value)
        return value

    def __setitem__(self, key, value) -> None:
        self._items[key] = value  # a frame, or its Shown parts

    def __delitem__(self, key) -> None:
        del self._items[key]

    def __iter__(self):
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def rows(self, key, plain_rows) -> dict:
        """The breakdown's rows for a template: `shown_rows`, or `plain_rows(frame)` for a
        breakdown added as a frame."""
        value = self._items[key]
        return shown_rows(value) if isinstance(value, Shown) else plain_rows(value)

    def withheld_whole(self, key) -> bool:
        value = self._items[key]
        return value.whole if isinstance(value, Shown) else value.attrs["withheld_whole"]


def _unsafe(sizes: np.ndarray, withheld: np.ndarray) -> bool:
    """Withheld groups that could be worked out: one alone, or only single practices (with a
    listed group holding at least one practice, each would be pinned at 1)."""
    n = int(withheld.sum())
    return n > 0 and (n == 1 or int(sizes[withheld].sum()) <= n)


def _withheld_siblings(sizes: pd.Series, forced=()) -> tuple[pd.Series, bool]:
    """Groups of one table (or of one parent) to withhold, and whether that protects them:
    fewer than MIN_GROUP (and `forced`), then the smallest shown ones (the first of equals)
    while the withheld ones could be worked out. All of them, unprotected, when even that is
    not enough."""
    withheld, safe = _siblings(sizes.to_numpy(), sizes.index.isin(list(forced)))
    return pd.Series(withheld, index=sizes.index, name=sizes.name, dtype=bool), safe


def _siblings(counts: np.ndarray, forced: np.ndarray) -> tuple[np.ndarray, bool]:
    """`_withheld_siblings` on plain arrays (`forced`: bool per group): a page decides this
    some fifty times, and a Series each time cost more than the deciding."""
    withheld = (counts < MIN_GROUP) | forced
    while _unsafe(counts, withheld) and not withheld.all():
        shown = np.flatnonzero(~withheld)
        withheld[shown[np.argmin(counts[shown])]] = True
    safe = not _unsafe(counts, withheld)
    if not safe:
        withheld[:] = True
    return withheld, safe


def withheld_hierarchy(
    parents: pd.Series, children: pd.Series, parent_of: dict
) -> tuple[pd.Series, pd.Series]:
    """Which nations and which regions to withhold, decided together.

    `parents`, `children`: practices per nation and per region; `parent_of`: region -> nation.
    Returns (nations withheld, regions withheld), the latter indexed by the regions to list:
    none of a withheld nation's (listing them would bound it), and a nation whose regions
    cannot be protected (e.g. three regions of one practice each) is withheld with them.
    """
    forced: set = set()
    nation_names, nation_sizes = parents.index.tolist(), parents.to_numpy()
    region_sizes = children.to_numpy()
    nation_of = [parent_of[r] for r in children.index.tolist()]
    while True:
        hidden_nations, _ = _siblings(nation_sizes, parents.index.isin(list(forced)))
        hidden_nation = dict(zip(nation_names, hidden_nations.tolist(), strict=True))
        listed = np.flatnonzero([not hidden_nation.get(n, False) for n in nation_of])
        siblings_at: dict = {}  # nation -> positions of its listed regions, in order
        for at, row in enumerate(listed.tolist()):
            nation = nation_of[row]
            if not pd.isna(nation):  # as a groupby would, a region of no nation is left be
                siblings_at.setdefault(nation, []).append(at)
        hidden = np.zeros(len(listed), dtype=bool)
        unprotected = set()
        for nation, at in siblings_at.items():
            sizes = region_sizes[listed[at]]
            hidden[at], safe = _siblings(sizes, np.zeros(len(at), dtype=bool))
            if not safe:
                unprotected.add(nation)
        if not unprotected:
            nations = pd.Series(hidden_nations, index=parents.index, name=parents.name, dtype=bool)
            return nations, pd.Series(hidden, index=children.index[listed], dtype=bool)
        forced |= unprotected


def percent_or_dash(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value}"
