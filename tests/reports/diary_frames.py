"""Participants' minutes as the frames the disclosure code reads, for the property tests."""

import pandas as pd


def diary_frames(rows: list[dict], group_of: dict[str, str], groups) -> tuple:
    """(by category, by group): one row per participant (ids from 1), groups in `groups` order
    with 0 for a group that has no categories."""
    by_category = pd.DataFrame(rows, columns=list(group_of), dtype=float)
    by_category.index = range(1, len(rows) + 1)
    by_group = by_category.T.groupby(group_of).sum().T.reindex(columns=groups, fill_value=0.0)
    return by_category, by_group
