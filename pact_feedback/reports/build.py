"""Assemble report payloads from diary frames: which numbers each report shows, and why.

Pure functions over the frames described in `reports.compute`; `reports.actions` loads the
frames, calls `build_reports` and stores each payload as a frozen snapshot.
"""

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from pact_feedback import disclosure
from pact_feedback.diary.taxonomy import GROUP_LABELS  # one list of groups for diary and reports
from pact_feedback.reports import compute
from pact_feedback.reports.matching import (
    METHOD_VERSION,
    Pool,
    Profile,
    method_statement,
    national_z_scores,
)


@dataclass
class StudyInputs:
    """Everything a round's reports are built from."""

    study: dict  # slug, title, round
    categories: list[dict]  # code, label, group (the study's taxonomy, in order)
    entries: pd.DataFrame
    days: pd.DataFrame
    practices: dict[int, dict]  # practice id -> {"name", "ods_code", "profile": Profile}
    reference: list[Profile]  # every imported practice, for national z-scores
    enrolled: list[int]  # practice ids in the round
    sharers: set[int] = field(default_factory=set)  # participants who share with the practice
    side: pd.DataFrame | None = None  # hours and "who could" split, when entries are summed
    weights: dict | None = None
    k_practice: int = 5
    peer_group_size: int = 5
    data_date: date | None = None


def _frames(inputs: StudyInputs, recorded: dict[str, pd.DataFrame]):
    """Minutes per diary day by category and by group (`compute.per_day`, the study's columns)
    and one row per participant (practice_id, staff_role)."""
    codes = [c["code"] for c in inputs.categories]
    by_category = recorded["category"].fillna(0.0).astype(float)
    by_group = recorded["group"].fillna(0.0).astype(float)
    people = inputs.days.drop_duplicates("participant_id").set_index("participant_id")
    return (
        by_category.reindex(columns=codes, fill_value=0.0),
        by_group.reindex(columns=list(GROUP_LABELS), fill_value=0.0),
        people,
    )


def _practice_profiles(inputs, frames, members, sharing, matches, by_code) -> dict:
    """Every profile the practice reports show, protected in one pass.

    Keys: ("own", practice id) for the figures of the practice's sharing participants,
    ("comparator", practice id) for its similar practice, ("peers", practice id) for its peer
    group. Its reader sees the network beside them, and the differences between the columns:
    a cell is withheld when a difference, less the practice's sharers, would fail the cell
    rules (the similar practice against the network; the peer group against the network
    and against the similar practice).
    """
    by_category, by_group, _ = frames
    everyone = by_category.index.tolist()
    groups, differences = {}, {}
    for pid, match in matches:
        own = list(members.get(pid, []))
        groups["own", pid] = sharing[pid]
        differences["own", pid] = []
        comparator = list(members.get(by_code[match.comparator], [])) if match.comparator else []
        if match.comparator:
            groups["comparator", pid] = comparator
            differences["comparator", pid] = [(_less(everyone, comparator), sharing[pid], own)]
        if match.peer_group:
            peers = [p for code, _ in match.peer_group for p in members.get(by_code[code], [])]
            groups["peers", pid] = peers
            differences["peers", pid] = [
                (_less(everyone, peers), sharing[pid], own),
                (_less(peers, comparator), sharing[pid], own),
            ]
    profiles = compute.layered_profiles(
        by_category,
        by_group,
        {c["code"]: c["group"] for c in inputs.categories},
        list(groups.values()),
        k_practice=inputs.k_practice,
        forced=_forced(by_category, by_group, list(differences.values())),
    )
    return dict(zip(groups, profiles, strict=True))


def _less(people, others) -> list:
    others = set(others)
    return [p for p in people if p not in others]


def _forced(by_category, by_group, differences: list[list]):
    """One row per profile: the cells any of its differences withholds."""
    flat = [d for ds in differences for d in ds]
    masks = compute.difference_masks(by_category, by_group, flat)
    forced = []
    for mask in masks:
        rows, start = [], 0
        for ds in differences:
            rows.append(mask[start : start + len(ds)].any(axis=0))
            start += len(ds)
        forced.append(np.array(rows, dtype=bool).reshape(len(differences), mask.shape[1]))
    return forced[0], forced[1]


@contextmanager
def cycle_collection_paused():
    """Pause Python's cyclic garbage collector while a round is loaded or its payloads built.

    A round is a hundred thousand rows from the database and tens of thousands of small
    dicts, all alive until the step ends and none in a cycle, so each collection walked them
    for nothing: about a quarter of the time of `build_reports`, and a full collection of
    everything the app had imported during loading (bench/reports_scale.py). Reference
    counting still frees everything as usual; the collector resumes after the step.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_reports(inputs: StudyInputs) -> list[dict]:
    """Payloads for every practice in the round and every participant who kept a diary day.

    Each item: {"kind", "practice_id", "user_id", "payload"}.
    """
    with cycle_collection_paused():
        return _build_reports(inputs)


def _build_reports(inputs: StudyInputs) -> list[dict]:
    recorded = compute.recorded_per_day(inputs.entries, inputs.days)
    frames = _frames(inputs, recorded)
    by_category, by_group, people = frames
    members = people.groupby("practice_id").groups  # practice id -> participant ids
    network = compute.network_profiles(
        by_category,
        by_group,
        {c["code"]: c["group"] for c in inputs.categories},
        [(list(ids), [p for p in ids if p in inputs.sharers]) for ids in members.values()],
    )
    eligible = [
        inputs.practices[pid]["profile"]
        for pid in inputs.enrolled
        if pid in members
        and disclosure.practice_aggregate_allowed(len(members[pid]), inputs.k_practice)
    ]
    by_code = {info["profile"].ods_code: pid for pid, info in inputs.practices.items()}
    z_scores = national_z_scores(
        {
            p.ods_code: p
            for p in [*inputs.reference, *(info["profile"] for info in inputs.practices.values())]
        }.values()
    )
    pool = Pool(eligible, z_scores, inputs.weights)
    matches = [
        (pid, pool.match(inputs.practices[pid]["profile"], k=inputs.peer_group_size))
        for pid in inputs.enrolled
    ]
    sharing = {
        pid: [p for p in members.get(pid, []) if p in inputs.sharers] for pid in inputs.enrolled
    }
    profiles = _practice_profiles(inputs, frames, members, sharing, matches, by_code)
    common = {
        "study": inputs.study,
        "categories": inputs.categories,
        "groups": GROUP_LABELS,
        "network": network,
        "method_version": METHOD_VERSION,
    }
    reports = []
    for pid, match in matches:
        practice = inputs.practices[pid]
        payload = {
            **common,
            "practice": {"name": practice["name"], "ods_code": practice["ods_code"]},
            "participants": len(members.get(pid, [])),
            "sharing": len(sharing[pid]),
            "network": compute.network_for_practice(
                network, len(people) - len(members.get(pid, [])), inputs.k_practice
            ),
            "own": profiles["own", pid],
            "comparator": (profiles["comparator", pid] if match.comparator else None),
            "peer_group": profiles["peers", pid] if match.peer_group else None,
            "method": {
                "statement": method_statement(match, inputs.data_date or date.today()),
                "match": match.to_dict(),  # stored for audit; never displayed
            },
        }
        withhold_together(payload)
        reports.append(
            {"kind": "practice", "practice_id": pid, "user_id": None, "payload": payload}
        )
    summaries = compute.participant_summaries(inputs.entries, inputs.days, inputs.side, recorded)
    roles = people["staff_role"]
    headline = compute.summary_frame(summaries)
    benchmarks = {
        role: {
            "by_category": compute.role_benchmark(by_category, roles, role),
            "by_group": compute.role_benchmark(by_group, roles, role),
            "summary": compute.role_benchmark(headline, roles, role),
        }
        for role in roles.unique()
    }
    for participant_id, practice_id, role in zip(
        people.index.tolist(),
        people["practice_id"].tolist(),
        people["staff_role"].tolist(),
        strict=True,
    ):
        reports.append(
            {
                "kind": "participant",
                "practice_id": int(practice_id),
                "user_id": int(participant_id),
                "payload": {
                    **common,
                    "staff_role": role,
                    "own": summaries[int(participant_id)],
                    "benchmark": benchmarks[role],
                },
            }
        )
    return reports


COMPARED = ("comparator", "peer_group", "network")


def withhold_together(payload: dict) -> None:
    """A figure withheld in one compared column is withheld in all of them (similar practice,
    peer group, network), in place.

    The columns are nested groups of people and their differences are often known to the
    reader (their own practice, or a difference shown itself): a task withheld in the network
    but shown in the peer group could be worked out as the peer group plus the rest.
    """
    for layer in ("by_category", "by_group"):
        profiles = [
            payload[key][layer]
            for key in COMPARED
            if payload.get(key) and payload[key][layer].get("values") is not None
        ]
        hidden = {code for p in profiles for code, value in p["values"].items() if value is None}
        for index, profile in enumerate(profiles):
            newly = [c for c in hidden if profile["values"].get(c, 0) is not None]
            if newly:
                profiles[index] = profile = {
                    **profile,
                    "values": dict(profile["values"]),
                    "withheld": dict(profile.get("withheld", {})),
                }
                if "range" in profile:
                    profile["range"] = {
                        c: r for c, r in profile["range"].items() if c not in hidden
                    }
                for code in newly:
                    profile["values"][code] = None
                    profile["withheld"][code] = disclosure.DERIVED_REASON
        for key in COMPARED:
            if payload.get(key) and payload[key][layer].get("values") is not None:
                payload[key] = {**payload[key], layer: profiles.pop(0)}


def withheld_cells(payload: dict) -> int:
    """How many cells a practice report withholds (for the study team's review summary)."""
    total = 0
    for key in ("own", "comparator", "peer_group"):
        section = payload.get(key) or {}
        for profile in section.values():
            if profile.get("values") is None:
                total += 1
            else:
                total += len(profile.get("withheld", {}))
    return total
