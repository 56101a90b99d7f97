"""k-anonymity for the practices in an analysis export (sdcMicro's recipe, kept small).

The exact list size, % aged 65+, IMD score and region of a practice are published, so an
export carrying them joins back to ODS codes. Each quasi-identifier is banded (global
recoding); then, while some combination is shared by fewer than K_ANONYMITY practices, those
practices' values are withheld one quasi-identifier at a time, region first (local
suppression); practices still in a small group are withheld whole, with the next smallest
group if needed. A study of fewer than K_ANONYMITY practices exports no demographics.
"""

from collections.abc import Mapping

import pandas as pd

from pact_feedback.tabulation.breakdowns import imd_quintile, list_size_band

K_ANONYMITY = 5
INPUTS = ("nation", "region", "list_size", "pct_65_plus", "imd_decile", "pct_rural")
WITHHELD = "withheld"
QUASI_IDENTIFIERS = [
    "nation",
    "region",
    "list_size_band",
    "pct_65_plus_band",
    "imd_quintile",
    "pct_rural_band",
]
# Withheld first: the least useful to the analysis and the most identifying.
SUPPRESSION_ORDER = [
    "region",
    "pct_rural_band",
    "pct_65_plus_band",
    "list_size_band",
    "imd_quintile",
    "nation",
]
_AGE_BANDS = ((10, "under 10"), (15, "10 to 14.9"), (20, "15 to 19.9"), (25, "20 to 24.9"))
_RURAL_BANDS = ((20, "under 20"), (50, "20 to 49.9"))
DESCRIPTIONS = {
    "list_size_band": "Registered patients, banded",
    "pct_65_plus_band": "% of registered patients aged 65+, banded",
    "imd_quintile": "IMD quintile from the decile (1 most deprived)",
    "pct_rural_band": "% of patients living in rural areas, banded",
}


def _band(value: float, bands, top: str) -> str:
    for upper, label in bands:
        if value < upper:
            return label
    return top


def bands(practice: Mapping) -> dict:
    """A practice's quasi-identifiers, banded (nation, region, list_size, pct_65_plus,
    imd_decile, pct_rural in; QUASI_IDENTIFIERS out)."""
    return {
        "nation": practice["nation"],
        "region": practice["region"] or "",
        "list_size_band": list_size_band(practice["list_size"]),
        "pct_65_plus_band": _band(practice["pct_65_plus"], _AGE_BANDS, "25 or more"),
        "imd_quintile": imd_quintile(practice["imd_decile"]),
        "pct_rural_band": _band(practice["pct_rural"], _RURAL_BANDS, "50 or more"),
    }


def _small(frame: pd.DataFrame) -> pd.Series:
    """Rows whose combination of quasi-identifiers fewer than K_ANONYMITY rows share."""
    sizes = frame.groupby(QUASI_IDENTIFIERS, dropna=False)[QUASI_IDENTIFIERS[0]].transform("size")
    return sizes < K_ANONYMITY


def k_anonymous(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (one row per practice, QUASI_IDENTIFIERS columns as from `bands`) with values
    withheld until every combination is shared by at least K_ANONYMITY rows."""
    out = frame.copy()
    if len(out) < K_ANONYMITY:
        out[QUASI_IDENTIFIERS] = WITHHELD
        return out
    for column in SUPPRESSION_ORDER:
        small = _small(out)
        if not small.any():
            return out
        out.loc[small, column] = WITHHELD
    while (small := _small(out)).any():
        # Fully withheld rows still too few: withhold the smallest other group with them.
        sizes = out.groupby(QUASI_IDENTIFIERS)[QUASI_IDENTIFIERS[0]].transform("size")
        others = sizes[~small]
        out.loc[small | (sizes == others.min()), QUASI_IDENTIFIERS] = WITHHELD
    return out
