"""Uptake broken down by practice characteristics, with small groups withheld.

A group with fewer than MIN_GROUP responding practices is withheld; when that leaves exactly one
group withheld, the next smallest is withheld too, so the withheld one cannot be worked out
from the overall figures shown on the same page.
"""

import math

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
    """`frame` with list_size_band and imd_quintile columns added (from list_size, imd_decile)."""
    out = frame.copy()
    bins = [-1] + [upper - 1 for upper, _ in _BANDS] + [float("inf")]
    labels = [label for _, label in _BANDS] + ["15,000 or more"]
    out["list_size_band"] = pd.cut(out["list_size"], bins=bins, labels=labels).astype(object)
    quintiles = {d: imd_quintile(d) for d in range(1, 11)}
    out["imd_quintile"] = out["imd_decile"].map(quintiles)
    return out


def breakdown(
    frame: pd.DataFrame, by: str, code: str, choices: list[tuple[str, str]], labels=None
) -> pd.DataFrame:
    """Answers to `code` by the groups in column `by`, one row per group (sorted).

    `frame`: one row per responding practice with columns `by` and `code`. `labels` maps group
    values to words (e.g. choice labels of respondent_role). Returns columns: n_responded, then
    n_<choice> and pct_<choice> (whole percentages adding to 100) for each choice, withheld
    (bool). Counts and percentages of withheld groups are empty (NA).
    """
    data = frame[[by, code]].dropna(subset=[code])
    groups = data[by].astype(object).where(data[by].notna(), NOT_ANSWERED)
    codes = [c for c, _ in choices]
    counts = (
        data.groupby([groups, data[code]]).size().unstack(fill_value=0)
        if len(data)
        else pd.DataFrame()
    )
    counts = counts.reindex(columns=codes, fill_value=0)
    counts.index = [(labels or {}).get(g, g) for g in counts.index]
    counts = counts.groupby(level=0).sum()  # two codes may share a label
    table = pd.DataFrame(index=counts.index)
    table["n_responded"] = counts.sum(axis=1)
    for c in codes:
        table[f"n_{c}"] = counts[c]
    shares = [largest_remainder(list(row)) for row in counts.itertuples(index=False)]
    for i, c in enumerate(codes):
        table[f"pct_{c}"] = [share[i] for share in shares]
    table["withheld"] = _withheld(table["n_responded"])
    shown_columns = [col for col in table.columns if col.startswith(("n_", "pct_"))]
    table = table.astype({col: "Int64" for col in shown_columns})
    table.loc[table["withheld"], shown_columns] = pd.NA
    table.index.name = by
    return _in_order(table.sort_index(), by)


def _in_order(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """List-size bands in size order, not the order of their words."""
    if by != "list_size_band":
        return table
    order = [label for _, label in _BANDS] + ["15,000 or more", NOT_ANSWERED]
    return table.loc[sorted(table.index, key=lambda g: order.index(g) if g in order else 99)]


def _withheld(sizes: pd.Series) -> pd.Series:
    withheld = sizes < MIN_GROUP
    if withheld.sum() == 1 and (~withheld).any():
        smallest = sizes[~withheld].sort_values(kind="stable").index[0]
        withheld[smallest] = True
    return withheld


def percent_or_dash(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value}"
