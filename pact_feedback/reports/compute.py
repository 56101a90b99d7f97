"""Report figures from diary data: pure pandas, tested on small frames.

Input frames (built by `reports.frames` from the database):

`entries`: one row per task entry, columns
    participant_id (int), practice_id (int), staff_role (str), category (str, taxonomy code),
    group (str, taxonomy group letter A-E), minutes (float), outside_hours (bool),
    could_be_done_by (str or None: gp / other_clinician / admin / nobody).
    When loaded from the database, entries arrive summed per participant and category (every
    figure is a sum of minutes) and the hours and "who could" columns come separately as
    `side` rows, summed per participant, outside_hours and could_be_done_by; nothing here
    reads an entry's practice_id or staff_role (`days` has them), and loaded entries leave
    them out.
`days`: one row per diary day that counts (completed), columns participant_id, practice_id,
    staff_role, day_id.

Figures are minutes per diary day, so a clinician who kept two days weighs the same as one
who kept one. Anything below network level goes through `pact_feedback.disclosure`.
"""

from collections.abc import Mapping
from itertools import chain

import numpy as np
import pandas as pd

from pact_feedback import disclosure

VISIBLE_GROUPS = ("A",)  # care-related encounters: what NHS appointment data counts
HIDDEN_GROUPS = ("B", "C", "D")  # the work patients never see
WHO_COULD = ("gp", "other_clinician", "admin", "nobody")


def per_day(entries: pd.DataFrame, days: pd.DataFrame, by: str = "category") -> pd.DataFrame:
    """Minutes per diary day for each participant.

    Index: participant_id. Columns: one per value of `by` (category or group), 0 when the
    participant recorded nothing there. Participants with days but no entries are kept.
    """
    return _per_participant(entries, by, days_kept(days)).fillna(0.0).astype(float)


def days_kept(days: pd.DataFrame) -> pd.Series:
    """Diary days that count per participant (index participant_id, sorted)."""
    return days.groupby("participant_id")["day_id"].nunique()


def recorded_per_day(entries: pd.DataFrame, days: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Minutes per diary day by "category" and by "group" (the two keys), one row per
    participant who kept a day, NaN where they recorded nothing: the pivots that both the
    participant reports and, with NaN as 0 (`per_day`), the practice reports read."""
    n_days = days_kept(days)
    return {by: _per_participant(entries, by, n_days) for by in ("category", "group")}


def _per_participant(entries: pd.DataFrame, column: str, n_days: pd.Series) -> pd.DataFrame:
    """Minutes per diary day by `column`, one row per participant (only values they used)."""
    return _pivot_sum(entries, column).reindex(n_days.index).div(n_days, axis=0)


def _pivot_sum(entries: pd.DataFrame, column: str) -> pd.DataFrame:
    """`entries.pivot_table(index="participant_id", columns=column, values="minutes",
    aggfunc="sum")` as float: rows and columns sorted, NaN where a participant has no row.

    Worked out with `factorize` and one `bincount`: pandas' pivot took about a second of a
    whole-UK round's 1.27 million rows (tests compare the two). Minutes are whole numbers,
    so their sums are exact in any order.
    """
    entries = entries.loc[entries[column].notna()]  # as pivot_table: no key, no cell
    row, people = pd.factorize(entries["participant_id"], sort=True)
    cell, values = pd.factorize(entries[column], sort=True)
    flat = row.astype(np.int64) * len(values) + cell
    size = len(people) * len(values)
    minutes = entries["minutes"].to_numpy(dtype=float)
    totals = np.bincount(flat, weights=minutes, minlength=size).astype(float, copy=False)
    totals[np.bincount(flat, minlength=size) == 0] = np.nan
    return pd.DataFrame(
        totals.reshape(len(people), len(values)),
        index=pd.Index(people, name="participant_id"),
        columns=pd.Index(values, name=column),
    )


def _present(columns: list, row: list) -> dict:
    """{column: value} leaving out what the participant never recorded (NaN)."""
    return {column: value for column, value in zip(columns, row, strict=True) if value == value}


def participant_summaries(
    entries: pd.DataFrame,
    days: pd.DataFrame,
    side: pd.DataFrame | None = None,
    recorded: dict[str, pd.DataFrame] | None = None,
) -> dict[int, dict]:
    """Every participant's own figures in one pass, minutes per diary day.

    Pivots once for the whole round: thousands of participants cost a few group-bys, not
    thousands of small pandas operations. `side` (participant_id, outside_hours,
    could_be_done_by, minutes) carries the hours and "who could" split when `entries` arrive
    summed by category only; by default both come from `entries`. `recorded` is
    `recorded_per_day(entries, days)` when the caller has it already.
    """
    return dict(summary_table(entries, days, side, recorded).items())


def summary_table(
    entries: pd.DataFrame,
    days: pd.DataFrame,
    side: pd.DataFrame | None = None,
    recorded: dict[str, pd.DataFrame] | None = None,
) -> "Summaries":
    """`participant_summaries` worked out as arrays, each participant's dict made when read."""
    side = entries if side is None else side
    n_days = days_kept(days)
    if n_days.empty:
        return Summaries([], {})
    recorded = recorded or recorded_per_day(entries, days)
    by_category, by_group = recorded["category"], recorded["group"]
    total = (entries.groupby("participant_id")["minutes"].sum() / n_days).reindex(n_days.index)
    outside = (
        side.loc[side["outside_hours"].astype(bool)]
        .groupby("participant_id")["minutes"]
        .sum()
        .reindex(n_days.index, fill_value=0)
        / n_days
    )
    who = _per_participant(side.dropna(subset=["could_be_done_by"]), "could_be_done_by", n_days)
    who = who.reindex(columns=list(WHO_COULD)).fillna(0.0)
    visible = by_group.reindex(columns=list(VISIBLE_GROUPS)).fillna(0).sum(axis=1)
    hidden = by_group.reindex(columns=list(HIDDEN_GROUPS)).fillna(0).sum(axis=1)
    # Plain lists, not a pandas row per participant: thousands of rows.
    return Summaries(
        n_days.index.tolist(),
        {
            "days": n_days.tolist(),
            "total": total.fillna(0).tolist(),
            "visible": visible.reindex(n_days.index).tolist(),
            "hidden": hidden.reindex(n_days.index).tolist(),
            "outside_hours": outside.tolist(),
            "who": who.to_numpy().tolist(),
            "by_category": (by_category.columns.tolist(), by_category.round(1).to_numpy()),
            "by_group": (by_group.columns.tolist(), by_group.round(1).to_numpy()),
        },
    )


SUMMARY_FIGURES = ("total", "visible", "hidden", "outside_hours")


class Summaries(Mapping):
    """Participant id -> their own figures (`participant_summaries`), each dict made when it
    is read: a whole-UK round's 61,600 summaries as dicts at once were 160 MB."""

    def __init__(self, participants: list[int], columns: dict):
        self.participants, self.columns = participants, columns
        self.place = {int(pid): i for i, pid in enumerate(participants)}

    def __len__(self) -> int:
        return len(self.participants)

    def __iter__(self):
        return (int(pid) for pid in self.participants)

    def __getitem__(self, participant_id: int) -> dict:
        i, c = self.place[participant_id], self.columns
        return {
            "days": int(c["days"][i]),
            "total": float(c["total"][i]),
            "by_category": _present(c["by_category"][0], c["by_category"][1][i].tolist()),
            "by_group": _present(c["by_group"][0], c["by_group"][1][i].tolist()),
            "visible": float(c["visible"][i]),
            "hidden": float(c["hidden"][i]),
            "outside_hours": float(c["outside_hours"][i]),
            "could_be_done_by": dict(zip(WHO_COULD, map(float, c["who"][i]), strict=True)),
        }

    def frame(self) -> pd.DataFrame:
        """`summary_frame` of these summaries, without making their dicts."""
        c = self.columns
        figures = zip(*(c[name] for name in SUMMARY_FIGURES), c["who"], strict=True) if c else ()
        return _summary_frame(
            [[*map(float, headline), *map(float, whos)] for *headline, whos in figures],
            [int(pid) for pid in self.participants],
        )


def summary_frame(summaries: dict[int, dict]) -> pd.DataFrame:
    """One row per participant: the headline figures and "who could have done it" minutes,
    so the same role benchmark can sit beside each of them."""
    return _summary_frame(
        [
            [*(s[name] for name in SUMMARY_FIGURES), *(s["could_be_done_by"][w] for w in WHO_COULD)]
            for s in summaries.values()
        ],
        list(summaries),
    )


def _summary_frame(rows: list, index: list) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        index=index,
        columns=[*SUMMARY_FIGURES, *(f"could_{who}" for who in WHO_COULD)],
        dtype=float,
    )


def participant_summary(entries: pd.DataFrame, days: pd.DataFrame) -> dict:
    """One participant's own figures (their entries and days only), minutes per diary day."""
    summaries = participant_summaries(entries, days)
    assert len(summaries) == 1, "one participant's entries and days"
    return next(iter(summaries.values()))


def role_benchmark(per_day_frame: pd.DataFrame, roles: pd.Series, role: str) -> dict:
    """Median and IQR across the network for one staff role, per column of `per_day_frame`.

    Returns {column: {"median", "q1", "q3", "n"}}, or {} when fewer than five participants
    share the role (quartiles of three or four values are their own figures). A column that
    fails the cell rules (fewer than three recorded time there, or one holds most of it) has
    no entry.
    """
    members = per_day_frame.loc[per_day_frame.index.isin(roles[roles == role].index)]
    if not disclosure.quantiles_allowed(len(members)):
        return {}
    quantiles = members.quantile([0.25, 0.5, 0.75])
    return {
        column: {
            "q1": round(float(quantiles.loc[0.25, column]), 1),
            "median": round(float(quantiles.loc[0.5, column]), 1),
            "q3": round(float(quantiles.loc[0.75, column]), 1),
            "n": int(len(members)),
        }
        for column in members.columns
        if not disclosure.primary_reason(members[column].tolist())
    }


def _ranges(per_day_frame: pd.DataFrame, profile: dict) -> dict:
    """The middle half of clinicians per shown column that at least five people recorded."""
    shown = [
        column
        for column, value in (profile.get("values") or {}).items()
        if value is not None
        and disclosure.quantiles_allowed(int((per_day_frame[column] > 0).sum()))
    ]
    if not shown:
        return {}
    quartiles = per_day_frame[shown].quantile([0.25, 0.75]).round(1)
    return {
        column: [float(quartiles.loc[0.25, column]), float(quartiles.loc[0.75, column])]
        for column in shown
    }


def network_profile(per_day_frame: pd.DataFrame) -> dict:
    """Mean minutes per diary day across every participant in the network, per column, and
    the middle half of clinicians (interquartile range) as "range".

    The network is a column like any other: each cell follows the disclosure rules with its
    own contributors counted ("withheld": {column: reason}). Quartiles, never minimum or
    maximum (an extreme belongs to one identifiable person), and only over five or more.
    """
    n = int(len(per_day_frame))
    if n < disclosure.MIN_CELL_CONTRIBUTORS:
        return {"n": n, "values": {}, "withheld": {}, "range": {}}
    cells = disclosure.protect_row({c: per_day_frame[c].tolist() for c in per_day_frame.columns})
    profile = {**_published(cells, n), "n": n}
    return {**profile, "range": _ranges(per_day_frame, profile)}


def network_profiles(
    by_category: pd.DataFrame, by_group: pd.DataFrame, group_of: dict[str, str], practices=()
) -> dict:
    """The network's profile by category and by group, protected together like any group's
    (`layered_profiles`), each with its count of people and its ranges.

    `practices`: (participant ids, participant ids the reader knows) of each practice (its
    sharers) and of each reader of several (`build.Reader`: the union over their practices).
    The network is printed in every practice's report, whose lead knows the figures of the
    colleagues who share with them: a cell is withheld when the people less those a reader
    knows would fail the cell rules (`complement_masks`).
    """
    everyone = by_category.index.tolist()
    masks = complement_masks(by_category, by_group, [([], known, ids) for ids, known in practices])
    forced = groups_follow_tasks(
        *(mask.any(axis=0, keepdims=True) for mask in masks), by_category, by_group, group_of
    )
    (layered,) = layered_profiles(
        by_category,
        by_group,
        group_of,
        [everyone],
        k_practice=disclosure.PRACTICE_FLOOR,
        forced=forced,
    )
    network = {}
    for key, frame in (("by_category", by_category), ("by_group", by_group)):
        profile = {"withheld": {}, **layered[key], "n": int(len(frame))}
        network[key] = {**profile, "range": _ranges(frame, profile)}
    return network


def groups_follow_tasks(
    category_mask: np.ndarray,
    group_mask: np.ndarray,
    by_category: pd.DataFrame,
    by_group: pd.DataFrame,
    group_of: dict[str, str],
) -> tuple[np.ndarray, np.ndarray]:
    """Forced cells, with a group's cell forced wherever one of its tasks is.

    A difference that fails for one task would come back through its group: the group's
    difference less the task's siblings, which the other shown figures bound (a withheld
    sibling is at most its network figure). Returns the two masks (the group mask a copy).
    """
    group_mask = group_mask.copy()
    categories = by_category.columns.tolist()
    for g, group in enumerate(by_group.columns.tolist()):
        tasks = [j for j, code in enumerate(categories) if group_of.get(code) == group]
        if tasks:
            group_mask[:, g] |= category_mask[:, tasks].any(axis=1)
    return category_mask, group_mask


def network_for_practice(network: dict, participants_elsewhere: int, k_practice: int) -> dict:
    """The network as one practice's report shows it: withheld whole when (almost) all of it
    is the practice's own clinicians (`disclosure.network_shown_to_practice`)."""
    if disclosure.network_shown_to_practice(participants_elsewhere, k_practice):
        return network
    return {
        key: {
            "n": disclosure.display_count(profile["n"]),
            "values": None,
            "reason": disclosure.OWN_NETWORK_REASON,
            "range": {},
        }
        for key, profile in network.items()
    }


def _withheld_whole(n: int, k_practice: int) -> dict:
    return {
        "n": disclosure.display_count(n),
        "values": None,
        "reason": f"fewer than {disclosure.effective_k_practice(k_practice)} people contributed",
    }


def _published(cells: dict, n: int) -> dict:
    return {
        "n": disclosure.display_count(n),
        "values": {
            col: (None if cell.suppressed else round(cell.value / n, 1))
            for col, cell in cells.items()
        },
        "withheld": {col: cell.reason for col, cell in cells.items() if cell.suppressed},
    }


def _members(per_day_frame: pd.DataFrame, participant_ids) -> pd.DataFrame:
    return per_day_frame.loc[per_day_frame.index.intersection(list(participant_ids))]


def _member_grid(per_day_frame: pd.DataFrame, groups) -> tuple[list[int], np.ndarray]:
    """How many of each group's participants kept a diary, and their rows in the frame.

    Returns the counts and a (groups, largest group) array of row positions padded with -1,
    the shape `disclosure.protect_grid` reads.
    """
    groups = [ids if isinstance(ids, list) else list(ids) for ids in groups]
    sizes = np.fromiter(map(len, groups), dtype=np.int64, count=len(groups))
    ids = np.fromiter(chain.from_iterable(groups), dtype=np.int64, count=int(sizes.sum()))
    # Every group's people looked up in one go (a dict lookup per person and a row filled per
    # group were most of the disclosure masks' time in a whole-UK round).
    positions = per_day_frame.index.get_indexer(ids) if len(ids) else ids
    found = positions >= 0
    group = np.repeat(np.arange(len(groups)), sizes)[found]
    counts = np.bincount(group, minlength=len(groups))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(groups) else counts
    members = np.full((len(groups), counts.max(initial=0)), -1, dtype=np.int64)
    members[group, np.arange(len(group)) - starts[group]] = positions[found]
    return counts.tolist(), members


def _protect(
    per_day_frame: pd.DataFrame, members: np.ndarray, forced: np.ndarray | None = None
) -> disclosure.CellGrid:
    columns = per_day_frame.columns.tolist()
    return disclosure.protect_grid(
        per_day_frame.to_numpy(dtype=float),
        members,
        disclosure.tie_order(columns),
        forced=forced,
    )


def difference_masks(
    by_category: pd.DataFrame, by_group: pd.DataFrame, differences, *, linked=False
):
    """Which cells of each difference between published figures fail the cell rules, by
    category and by group (`disclosure.failing_differences`).

    `differences`: (participant ids in the difference, ids its reader may know: their
    practice's sharers, ids of their whole practice). Returns two bool arrays, one row per
    difference. With `linked`, also (by category, by group) the cells without unknown people.
    """
    return _in_chunks(_difference_chunk, by_category, by_group, differences, linked=linked)


def _difference_chunk(by_category: pd.DataFrame, by_group: pd.DataFrame, differences):
    unknown, outside, whole = [], [], []
    for ids, known, practice in differences:
        known, practice = set(known), set(practice)
        unknown.append([p for p in ids if p not in known])
        outside.append([p for p in ids if p not in practice])
        whole.append([p for p in ids if p in practice])
    return _fail_on_both(
        by_category,
        by_group,
        lambda values, frame: disclosure.failing_differences(
            values,
            _member_grid(frame, unknown)[1],
            _member_grid(frame, outside)[1],
            linked=True,
            whole=_member_grid(frame, whole)[1],
        ),
        linked=True,
    )


MASK_ROWS = 8192  # differences worked out at a time: the arrays of each are rows x people


def _in_chunks(masks, by_category: pd.DataFrame, by_group: pd.DataFrame, rows, *, linked: bool):
    """`masks(by_category, by_group, some rows)` over `MASK_ROWS` rows at a time, put
    together: each row's masks depend on that row alone, and a whole-UK round's 17,000 rows at
    once held about 90 MB of working arrays."""
    rows = list(rows)
    parts = [
        masks(by_category, by_group, rows[start : start + MASK_ROWS])
        for start in range(0, max(len(rows), 1), MASK_ROWS)
    ]
    fails, empty = (
        tuple(np.concatenate([part[kind][layer] for part in parts]) for layer in range(2))
        for kind in range(2)
    )
    return (fails, empty) if linked else fails


def _fail_on_both(by_category: pd.DataFrame, by_group: pd.DataFrame, failing, *, linked: bool):
    """`failing(values, frame)` -> (fails, empty) on the by-category and by-group frames: the
    two masks, and with `linked` the two "empty" arrays as well."""
    (fails_c, empty_c), (fails_g, empty_g) = (
        failing(frame.to_numpy(dtype=float), frame) for frame in (by_category, by_group)
    )
    if linked:
        return (fails_c, fails_g), (empty_c, empty_g)
    return fails_c, fails_g


def _published_grid(grid: disclosure.CellGrid, columns: list, counts: list[int]) -> list[dict]:
    """Every row of `grid` published (`_published`), row i the mean over `counts[i]` people.

    The means and reasons are made Python lists `PUBLISH_ROWS` rows at a time: one numpy
    step per row was a second of a whole-UK round's 40,000 rows, all rows at once 20 MB more.
    """
    published = []
    for start in range(0, len(counts), PUBLISH_ROWS):
        n = counts[start : start + PUBLISH_ROWS]
        means = grid.sums[start : start + PUBLISH_ROWS] / np.asarray(n, dtype=np.int64)[:, None]
        reasons = grid.reasons[start : start + PUBLISH_ROWS].tolist()
        for count, row_means, row_reasons in zip(n, means.tolist(), reasons, strict=True):
            pairs = list(zip(columns, row_means, row_reasons, strict=True))
            published.append(
                {
                    "n": disclosure.display_count(count),
                    "values": {col: (None if why else round(mean, 1)) for col, mean, why in pairs},
                    "withheld": {col: disclosure.REASONS[why] for col, _, why in pairs if why},
                }
            )
    return published


PUBLISH_ROWS = 1024


def complement_masks(
    by_category: pd.DataFrame, by_group: pd.DataFrame, complements, *, linked=False
):
    """`difference_masks` for the network less a few people, without listing everyone else.

    `complements`: (participant ids of a column left out of the network, ids the reader
    knows, ids of the reader's practice). A round of thousands of practices has one such
    row per practice: each is worked out by subtraction from the network.
    """
    return _in_chunks(_complement_chunk, by_category, by_group, complements, linked=linked)


def _complement_chunk(by_category: pd.DataFrame, by_group: pd.DataFrame, complements):
    removed = [list(dict.fromkeys([*column, *known])) for column, known, _ in complements]
    widened = [list(dict.fromkeys([*column, *known, *own])) for column, known, own in complements]
    whole = []
    for column, _, own in complements:
        column = set(column)
        whole.append([p for p in own if p not in column])
    return _fail_on_both(
        by_category,
        by_group,
        lambda values, frame: disclosure.failing_complements(
            values,
            _member_grid(frame, removed)[1],
            _member_grid(frame, widened)[1],
            linked=True,
            whole=_member_grid(frame, whole)[1],
        ),
        linked=True,
    )


def group_profile(per_day_frame: pd.DataFrame, participant_ids, *, k_practice: int = 5) -> dict:
    """Mean minutes per diary day for a group below network level (a practice, a peer group).

    Returns {"n": display count, "values": {column: mean or None}, "withheld": {column: reason}}
    or {"n": ..., "values": None, "reason": ...} when too few people contributed at all.
    Cells follow the disclosure rules; a row total is shown, so secondary suppression applies.
    """
    members = _members(per_day_frame, participant_ids)
    n = len(members)
    if not disclosure.practice_aggregate_allowed(n, k_practice):
        return _withheld_whole(n, k_practice)
    cells = disclosure.protect_row({col: members[col].tolist() for col in members.columns})
    return _published(cells, n)


def layered_profiles(
    by_category: pd.DataFrame,
    by_group: pd.DataFrame,
    group_of: dict[str, str],
    groups,
    *,
    k_practice: int = 5,
    forced: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[dict]:
    """Many groups' profiles by category and by group, each published as one pair.

    `groups`: a list of participant-id lists (practices, peer groups). Each group's figure is
    the sum of its categories' figures, so the two rows are protected together: nothing
    withheld in one can be worked out from the other. Every group is protected in one pass of
    array operations, whatever their number. `forced`: cells to withhold beforehand, one row
    per group, by category and by group (`difference_masks`).
    """
    counts, members = _member_grid(by_category, groups)
    allowed = [disclosure.practice_aggregate_allowed(n, k_practice) for n in counts]
    profiles = []
    for n in counts:
        whole = _withheld_whole(n, k_practice)
        profiles.append({"by_category": whole, "by_group": dict(whole)})
    chosen = [i for i, ok in enumerate(allowed) if ok]
    if not chosen:
        return profiles
    _, group_members = _member_grid(by_group, [groups[i] for i in chosen])
    categories, group_columns = by_category.columns.tolist(), by_group.columns.tolist()
    category_forced, group_forced = forced if forced is not None else (None, None)
    category_cells = _protect(
        by_category, members[chosen], None if category_forced is None else category_forced[chosen]
    )
    group_cells = _protect(
        by_group, group_members, None if group_forced is None else group_forced[chosen]
    )
    children = [
        np.array([j for j, code in enumerate(categories) if group_of.get(code) == g])
        for g in group_columns
    ]
    disclosure.protect_layers(
        category_cells, group_cells, children, disclosure.tie_order(categories)
    )
    chosen_counts = [counts[i] for i in chosen]
    for i, by_category_row, by_group_row in zip(
        chosen,
        _published_grid(category_cells, categories, chosen_counts),
        _published_grid(group_cells, group_columns, chosen_counts),
        strict=True,
    ):
        profiles[i] = {"by_category": by_category_row, "by_group": by_group_row}
    return profiles


def layered_profile(
    by_category: pd.DataFrame,
    by_group: pd.DataFrame,
    group_of: dict[str, str],
    participant_ids,
    *,
    k_practice: int = 5,
) -> dict:
    """One group's profile by category and by group (see `layered_profiles`)."""
    (profile,) = layered_profiles(
        by_category, by_group, group_of, [list(participant_ids)], k_practice=k_practice
    )
    return profile
