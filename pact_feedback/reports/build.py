"""Assemble report payloads from diary frames: which numbers each report shows, and why.

Pure functions over the frames described in `reports.compute`; `reports.actions` loads the
frames, calls `build_reports` and stores each payload as a frozen snapshot.
"""

import ctypes
import ctypes.util
import gc
from collections import defaultdict
from collections.abc import Iterator
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


@dataclass(frozen=True)
class Reader:
    """Someone who reads more than one practice lead's view of the reports: a lead of several
    practices, or a lead who also reads another practice's report as a participant there, or
    who keeps a diary themselves. Each practice's lead is a reader already (the practice's
    report, its sharers' figures); only people who read or know more are listed.

    `leads`: the practices they lead (their reports, and their sharers' figures); `reads`:
    other practices whose report they read; `knows`: participants whose figures they know
    besides those sharers (their own, when they keep a diary).
    """

    leads: tuple[int, ...]
    reads: tuple[int, ...] = ()
    knows: frozenset[int] = frozenset()


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
    readers: list[Reader] = field(default_factory=list)  # beyond each practice's own lead


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


@dataclass(frozen=True)
class _View:
    """What one reader sees and knows: the practices whose reports they read, the participants
    whose figures they know, and every participant of those practices."""

    practices: tuple[int, ...]
    known: list
    own: list


def _views(inputs: StudyInputs, members, sharing) -> list[_View]:
    """Every reader the rules protect against: each practice's lead (its report; its sharers),
    then `_reader_views`."""
    leads = [_View((pid,), sharing[pid], list(members.get(pid, []))) for pid in inputs.enrolled]
    return leads + _reader_views(inputs, members, sharing)


def _reader_views(inputs: StudyInputs, members, sharing) -> list[_View]:
    """Each listed `Reader` who reads or knows more than one practice's lead, with the union
    over all their practices, so that the people less *everyone* they know must pass the
    rules, not the people less one practice's sharers at a time."""
    views, enrolled, seen = [], set(inputs.enrolled), set()
    for reader in inputs.readers:
        practices = tuple(dict.fromkeys(p for p in (*reader.leads, *reader.reads) if p in enrolled))
        known = {
            p for pid in reader.leads for p in members.get(pid, []) if p in inputs.sharers
        } | set(reader.knows)
        if not practices or (len(practices) == 1 and known <= set(sharing[practices[0]])):
            continue  # no more than that practice's own lead
        key = (practices, frozenset(known))
        if key not in seen:
            seen.add(key)
            own = [p for pid in practices for p in members.get(pid, [])]
            views.append(_View(practices, sorted(known), own))
    return views


def _practice_profiles(inputs, frames, members, sharing, matches, by_code, views) -> dict:
    """Every profile the practice reports show, protected in one pass.

    Keys: ("own", practice id) for the figures of the practice's sharing participants,
    ("comparator", practice id) for its similar practice, ("peer_group", practice id) for its
    peer group. For every reader (`_views`) and every compared column of every report they
    read, a cell is withheld when the column against the network, or against another of
    their columns nested inside it, less the people the reader knows, would fail the cell
    rules or be only people of the reader's practices; and so is the column itself where it
    holds people of the reader's own practices. Returns the profiles and the links between
    columns that must withhold together (`withhold_across`).
    """
    by_category, by_group, _ = frames
    groups, columns = {}, {}
    for pid, match in matches:
        groups["own", pid] = sharing[pid]
        if match.comparator:
            groups["comparator", pid] = columns["comparator", pid] = list(
                members.get(by_code[match.comparator], [])
            )
        if match.peer_group:
            groups["peer_group", pid] = columns["peer_group", pid] = [
                p for code, _ in match.peer_group for p in members.get(by_code[code], [])
            ]
    differences = {key: [] for key in groups}
    by_practice = defaultdict(list)
    for column in columns:
        by_practice[column[1]].append(column)
    sets = {}  # column -> its people as a set, made when first needed

    def people_of(column) -> set:
        if column not in sets:
            sets[column] = set(columns[column])
        return sets[column]

    for view in views:
        seen = [column for pid in view.practices for column in by_practice[pid]]
        network = tuple((pid, "network") for pid in view.practices)
        own, known_own = set(view.own), (view.known, view.own)
        for column in seen:
            people = columns[column]
            here = ((column[1], column[0]),)
            # ("network less", column, known people, practice, link): the network less them
            differences[column].append(
                ("network less", people, view.known, view.own, (here, network))
            )
            if not own.isdisjoint(people):  # the column itself, less the people they know
                differences[column].append(("between", people, view.known, view.own, None))
        for outer in seen:
            if outer[0] != "peer_group":
                continue  # a similar practice holds no other column (an equal one is one figure)
            for inner in seen:
                if inner != outer and people_of(inner) <= people_of(outer):
                    link = (((outer[1], outer[0]),), ((inner[1], inner[0]),))
                    differences[outer].append(
                        ("between", _less(columns[outer], people_of(inner)), *known_own, link)
                    )
    # The people sets and the differences are a few dozen MB for a whole-UK round: let them go
    # before the profiles are protected.
    sets.clear()
    differences = list(differences.values())
    forced, links = _forced(by_category, by_group, differences)
    del differences
    give_back_freed_memory()
    group_of = {c["code"]: c["group"] for c in inputs.categories}
    forced = compute.groups_follow_tasks(*forced, by_category, by_group, group_of)
    profiles = compute.layered_profiles(
        by_category,
        by_group,
        group_of,
        list(groups.values()),
        k_practice=inputs.k_practice,
        forced=forced,
    )
    return dict(zip(groups, profiles, strict=True)), links


def _less(people, others) -> list:
    others = set(others)
    return [p for p in people if p not in others]


def _forced(by_category, by_group, differences: list[list]):
    """One row per profile: the cells any of its differences withholds; and the links: for
    each difference that names its two columns, (columns, columns, (task codes, group codes)
    without unknown people). A difference is ("network less", column, known people, practice,
    link) or ("between", people, known people, practice, link); a link is two tuples of
    (practice id, column) places, None for a column against nothing.
    """
    owners = {"network less": [], "between": []}
    rows = {"network less": [], "between": []}
    pairs = {"network less": [], "between": []}
    for owner, found in enumerate(differences):
        for kind, *args, pair in found:
            owners[kind].append(owner)
            rows[kind].append(args)
            pairs[kind].append(pair)
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
    links = []
    columns = (by_category.columns.to_numpy(), by_group.columns.to_numpy())
    for kind, (_, linked) in results.items():
        for row, pair in enumerate(pairs[kind]):
            if pair is None or not (linked[0][row].any() or linked[1][row].any()):
                continue
            codes = tuple(set(columns[layer][linked[layer][row]].tolist()) for layer in range(2))
            links.append((*pair, codes))
    return (forced[0], forced[1]), links


def _libc_malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to give back this way
        return None


_MALLOC_TRIM = _libc_malloc_trim()


def give_back_freed_memory() -> None:
    """Return memory freed by a finished step to the system (glibc's `malloc_trim`).

    A round's steps free tens of MB of numpy arrays among the small objects they keep, and
    glibc keeps those pages as its own: on a whole-UK round about 60 MB of the peak was
    memory already freed. Called between steps, as dask's workers do (`distributed`'s
    `worker_memory.trim_memory`); elsewhere a no-op.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


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
    """Payloads for every practice in the round and every participant who kept a diary day,
    all at once (`stream_reports` builds them as they are read).

    Each item: {"kind", "practice_id", "user_id", "payload"}.
    """
    return list(stream_reports(inputs))


@dataclass(frozen=True)
class Payloads:
    """A round's payloads, built as they are read and dropped once stored.

    A whole-UK round is 69,300 payloads, about 190 MiB as dicts at once; `reports.actions`
    stores them a batch at a time, so only the practice payloads (which are made to agree
    with each other, `withhold_across`) are ever all held. `len` counts them beforehand, for
    progress.
    """

    inputs: StudyInputs

    def __len__(self) -> int:
        return len(self.inputs.enrolled) + self.inputs.days["participant_id"].nunique()

    def __iter__(self) -> Iterator[dict]:
        with cycle_collection_paused():
            practices, participants = _prepare(self.inputs)
        yield from practices
        yield from participants


def stream_reports(inputs: StudyInputs) -> Payloads:
    """The items of `build_reports`, in the same order, built one at a time as they are read."""
    return Payloads(inputs)


def _prepare(inputs: StudyInputs):
    """The practice payloads, finished, and a generator of the participant payloads."""
    recorded = compute.recorded_per_day(inputs.entries, inputs.days)
    frames = _frames(inputs, recorded)
    by_category, by_group, people = frames
    members = people.groupby("practice_id").groups  # practice id -> participant ids
    sharing = {
        pid: [p for p in members.get(pid, []) if p in inputs.sharers] for pid in inputs.enrolled
    }
    views = _views(inputs, members, sharing)
    network = compute.network_profiles(
        by_category,
        by_group,
        {c["code"]: c["group"] for c in inputs.categories},
        [(list(ids), [p for p in ids if p in inputs.sharers]) for ids in members.values()]
        + [(view.own, view.known) for view in _reader_views(inputs, members, sharing)],
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
    targets = [inputs.practices[pid]["profile"] for pid in inputs.enrolled]
    matches = list(
        zip(inputs.enrolled, pool.match_all(targets, k=inputs.peer_group_size), strict=True)
    )
    profiles, links = _practice_profiles(inputs, frames, members, sharing, matches, by_code, views)
    give_back_freed_memory()
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
            "peer_group": profiles["peer_group", pid] if match.peer_group else None,
            "method": {
                "statement": method_statement(match, inputs.data_date or date.today()),
                "match": match.to_dict(),  # stored for audit; never displayed
            },
        }
        reports.append(
            {"kind": "practice", "practice_id": pid, "user_id": None, "payload": payload}
        )
    withhold_across({r["practice_id"]: r["payload"] for r in reports}, links)
    summaries = compute.summary_table(inputs.entries, inputs.days, inputs.side, recorded)
    roles = people["staff_role"]
    headline = summaries.frame()
    benchmarks = {
        role: {
            "by_category": compute.role_benchmark(by_category, roles, role),
            "by_group": compute.role_benchmark(by_group, roles, role),
            "summary": compute.role_benchmark(headline, roles, role),
        }
        for role in roles.unique()
    }
    give_back_freed_memory()
    return reports, _participant_reports(people, common, summaries, benchmarks)


def _participant_reports(people, common, summaries, benchmarks) -> Iterator[dict]:
    for participant_id, practice_id, role in zip(
        people.index.tolist(),
        people["practice_id"].tolist(),
        people["staff_role"].tolist(),
        strict=True,
    ):
        yield {
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
    # In the profile's own order, not the set's: a set of strings iterates in an order that
    # changes with each process's hash seed, and the stored snapshot must not.
    newly = [c for c, v in profile["values"].items() if v is not None and c in codes]
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


def withhold_together(payloads: dict, links: list) -> bool:
    """Linked columns withhold the same tasks, in place; True when anything changed.

    `payloads`: practice id -> report payload. `links`: (places, places, (task codes, group
    codes)), each place a (practice id, column): two compared columns (similar practice, peer
    group, network) that, for those tasks, differ only by people of the reader's practices,
    whom the reader knows or whose figure is theirs alone. There a task withheld in the
    network but shown in the peer group would be the peer group plus the sharers' known
    minutes. A side of several places (the network, in each report of a lead of several
    practices) is one figure: it counts as shown when any of them shows it.
    """
    changed = True
    any_change = False
    while changed:
        changed = False
        for first, second, codes in links:
            for layer, linked in zip(LAYERS, codes, strict=True):
                if not linked:
                    continue
                sides = [
                    [
                        (payloads[pid], key)
                        for pid, key in places
                        if pid in payloads and _shown(payloads[pid], key, layer) is not None
                    ]
                    for places in (first, second)
                ]
                if not all(sides):
                    continue
                shown = sides[0] + sides[1]
                hidden = set().union(*(_hidden(_shown(p, k, layer)) for p, k in shown)) & linked
                for payload, key in shown:
                    changed |= _withhold(payload, key, layer, hidden)
        any_change |= changed
    return any_change


def withhold_across(payloads: dict, links: list) -> None:
    """The same figure has one pattern of withheld cells in every report that shows it (the
    network; a practice shown as several practices' similar practice), and linked columns
    withhold together (`withhold_together`, across the reports one reader reads), until
    nothing changes: a reader of several reports never finds a figure withheld in one and
    shown in another."""
    changed = True
    while changed:
        changed = withhold_together(payloads, links)
        for layer in LAYERS:
            shows = defaultdict(list)  # the same figure -> the payloads that show it
            for payload in payloads.values():
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
