"""Assemble report payloads from diary frames: which numbers each report shows, and why.

Pure functions over the frames described in `reports.compute`; `reports.actions` loads the
frames, calls `build_reports` and stores each payload as a frozen snapshot.
"""

import gc
from collections import defaultdict
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
    groups, differences = {}, {}
    for pid, match in matches:
        own = list(members.get(pid, []))
        groups["own", pid] = sharing[pid]
        differences["own", pid] = []
        comparator = list(members.get(by_code[match.comparator], [])) if match.comparator else []
        if match.comparator:
            groups["comparator", pid] = comparator
            # ("network less", people left out, practice): the network less them
            differences["comparator", pid] = [("network less", comparator + sharing[pid], own)]
        if match.peer_group:
            peers = [p for code, _ in match.peer_group for p in members.get(by_code[code], [])]
            groups["peers", pid] = peers
            differences["peers", pid] = [
                ("network less", peers + sharing[pid], own),
                ("between", _less(peers, comparator), sharing[pid], own),
            ]
    forced, linked = _forced(by_category, by_group, list(differences.values()))
    links = defaultdict(dict)  # practice id -> {(column, column): (task codes, group codes)}
    pairs = {"network less": "network", "between": "comparator"}
    for (kind, pid), found in zip(differences, linked, strict=True):
        column = "peer_group" if kind == "peers" else kind
        for difference_kind, codes in found:
            links[pid][column, pairs[difference_kind]] = codes
    profiles = compute.layered_profiles(
        by_category,
        by_group,
        {c["code"]: c["group"] for c in inputs.categories},
        list(groups.values()),
        k_practice=inputs.k_practice,
        forced=forced,
    )
    return dict(zip(groups, profiles, strict=True)), links


def _less(people, others) -> list:
    others = set(others)
    return [p for p in people if p not in others]


def _forced(by_category, by_group, differences: list[list]):
    """One row per profile: the cells any of its differences withholds, and per profile its
    differences' links: (kind, (task codes, group codes) without unknown people). A difference
    is ("network less", people left out, practice) or ("between", people, sharers, practice).
    """
    owners = {"network less": [], "between": []}
    rows = {"network less": [], "between": []}
    for owner, found in enumerate(differences):
        for kind, *args in found:
            owners[kind].append(owner)
            rows[kind].append(args)
    results = {
        "network less": compute.complement_masks(
            by_category, by_group, rows["network less"], linked=True
        ),
        "between": compute.difference_masks(by_category, by_group, rows["between"], linked=True),
    }
    forced = []
    for layer in range(2):
        mask = np.zeros(
            (len(differences), len(by_group.columns if layer else by_category.columns)), dtype=bool
        )
        for kind, (masks, _) in results.items():
            np.logical_or.at(mask, owners[kind], masks[layer])
        forced.append(mask)
    linked = [[] for _ in differences]
    columns = (by_category.columns.to_numpy(), by_group.columns.to_numpy())
    for kind, (_, links) in results.items():
        for row, owner in enumerate(owners[kind]):
            codes = tuple(set(columns[layer][links[layer][row]].tolist()) for layer in range(2))
            linked[owner].append((kind, codes))
    return (forced[0], forced[1]), linked


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
    profiles, links = _practice_profiles(inputs, frames, members, sharing, matches, by_code)
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
        reports.append(
            {"kind": "practice", "practice_id": pid, "user_id": None, "payload": payload}
        )
    withhold_across([(r["payload"], links.get(r["practice_id"], {})) for r in reports])
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
LAYERS = ("by_category", "by_group")


def _shown(payload: dict, key: str, layer: str) -> dict | None:
    section = payload.get(key)
    return section[layer] if section and section[layer].get("values") is not None else None


def _hidden(profile: dict) -> set:
    return {code for code, value in profile["values"].items() if value is None}


def _withhold(payload: dict, key: str, layer: str, codes: set) -> bool:
    """Withhold `codes` in one profile of a payload (a copy: profiles are shared between
    payloads); True when anything changed."""
    profile = _shown(payload, key, layer)
    newly = [c for c in codes if profile["values"].get(c, None) is not None]
    if not newly:
        return False
    profile = {
        **profile,
        "values": dict(profile["values"]),
        "withheld": dict(profile.get("withheld", {})),
    }
    if "range" in profile:
        profile["range"] = {c: r for c, r in profile["range"].items() if c not in codes}
    for code in newly:
        profile["values"][code] = None
        profile["withheld"][code] = disclosure.DERIVED_REASON
    payload[key] = {**payload[key], layer: profile}
    return True


def withhold_together(payload: dict, links: dict) -> bool:
    """Two compared columns (similar practice, peer group, network) withhold the same tasks
    where they differ only by people the report's reader knows, in place; True when anything
    changed.

    `links`: {(column, column): (task codes, group codes)} where the difference between the
    two columns, less the practice's sharers, has nobody: there a task withheld in the network
    but shown in the peer group would be the peer group plus the sharers' known minutes.
    """
    changed = True
    any_change = False
    while changed:
        changed = False
        for (first, second), codes in links.items():
            for layer, linked in zip(LAYERS, codes, strict=True):
                profiles = [_shown(payload, key, layer) for key in (first, second)]
                if None in profiles:
                    continue
                hidden = (_hidden(profiles[0]) | _hidden(profiles[1])) & linked
                for key in (first, second):
                    changed |= _withhold(payload, key, layer, hidden)
        any_change |= changed
    return any_change


def withhold_across(payloads: list[tuple[dict, dict]]) -> None:
    """The same figure has one pattern of withheld cells in every report that shows it (the
    network; a practice shown as several practices' similar practice), and each report's
    linked columns withhold together (`withhold_together`), until nothing changes: a reader of
    several reports never finds a figure withheld in one and shown in another."""
    changed = True
    while changed:
        changed = False
        for payload, links in payloads:
            changed |= withhold_together(payload, links)
        for layer in LAYERS:
            shows = defaultdict(list)  # the same figure -> the payloads that show it
            for payload, _ in payloads:
                if _shown(payload, "network", layer) is not None:
                    shows["network"].append((payload, "network"))
                if _shown(payload, "comparator", layer) is not None:
                    code = payload["method"]["match"]["comparator"]
                    shows["comparator", code].append((payload, "comparator"))
            for pairs in shows.values():
                hidden = set().union(*(_hidden(_shown(p, k, layer)) for p, k in pairs))
                for payload, key in pairs:
                    changed |= _withhold(payload, key, layer, hidden)


# Instruments other than the diary count their own withheld cells (casebook.report registers
# one): payload["instrument"] -> count(payload).
WITHHELD_COUNTERS: dict = {}


def withheld_cells(payload: dict) -> int:
    """How many cells a practice report withholds (for the study team's review summary)."""
    count = WITHHELD_COUNTERS.get(payload.get("instrument"))
    if count is not None:
        return count(payload)
    total = 0
    for key in ("own", "comparator", "peer_group"):
        section = payload.get(key) or {}
        for profile in section.values():
            if profile.get("values") is None:
                total += 1
            else:
                total += len(profile.get("withheld", {}))
    return total
