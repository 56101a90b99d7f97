"""Turn a stored report payload into what its page and PDF show: series, tables, plain words.

Reads only the frozen payload, so a released report renders the same whatever changes later.
"""

from dataclasses import dataclass

from flask import current_app, url_for

from pact_feedback import disclosure
from pact_feedback.accounts.roles import PRACTICE_LEAD, STAFF_ROLE_LABELS
from pact_feedback.charts.bars import Part, Series, bar_chart
from pact_feedback.charts.styles import NETWORK, OWN, PEER_GROUP, SIMILAR
from pact_feedback.reports import queries

WHO_LABELS = {
    "gp": "A GP",
    "other_clinician": "Another clinician",
    "admin": "The admin team",
    "nobody": "Nobody (it was not needed)",
}
# Instruments other than the diary present their own payloads: payload["instrument"] ->
# context(report, viewer=...) with a "body_template" (casebook.presenting registers one).
PRESENTERS: dict = {}
QI_ENDPOINTS = {"practice": "qi.new_practice_project", "participant": "qi.new_private_project"}


@dataclass
class Figure:
    """One chart and the table that carries the same numbers."""

    title: str
    description: str
    chart: object  # Markup
    columns: list[str]
    rows: list[tuple[str, str, list]]  # (code, label, values in column order)


def _figure(title, description, categories, series: list[Series], parts=None) -> Figure:
    shown = [s for s in series if s.values]
    rows = [(code, label, [s.values.get(code) for s in shown]) for code, label in categories]
    return Figure(
        title=title,
        description=description,
        chart=bar_chart(title, description, categories, shown, parts=parts),
        columns=[s.name for s in shown],
        rows=rows,
    )


def _add_range(figure: Figure, heading: str, ranges: dict | None) -> None:
    """A table column of interquartile ranges ({code: (low, high)}), when there are any."""
    if not ranges:
        return
    figure.columns.append(heading)
    for code, _, values in figure.rows:
        low_high = ranges.get(code)
        values.append(f"{low_high[0]:g}–{low_high[1]:g}" if low_high else None)


def _values(profile: dict | None) -> dict:
    return (profile or {}).get("values") or {}


def task_parts(payload: dict) -> list[Part]:
    """The tasks chart in one part per taxonomy group: each part fits on a printed page."""
    return [
        Part(f"{group} {label}", [c["code"] for c in payload["categories"] if c["group"] == group])
        for group, label in payload["groups"].items()
    ]


def practice_figures(payload: dict) -> list[Figure]:
    categories = [(c["code"], c["label"]) for c in payload["categories"]]
    groups = list(payload["groups"].items())
    figures = []
    for key, axis, noun in (("by_group", groups, "group"), ("by_category", categories, "task")):
        series = [
            Series("Your practice", _values((payload.get("own") or {}).get(key)), OWN),
            Series(
                "Similar practice", _values((payload.get("comparator") or {}).get(key)), SIMILAR
            ),
            Series("Peer group", _values((payload.get("peer_group") or {}).get(key)), PEER_GROUP),
            Series("Network", _values(payload["network"][key]), NETWORK),
        ]
        figure = _figure(
            f"Minutes per clinician per diary day, by {noun}",
            f"Average minutes per clinician per diary day for each {noun}, for your practice "
            "(when shown), a demographically similar practice, a peer group of similar "
            "practices and the whole network. The same figures are in the table below.",
            axis,
            series,
            parts=task_parts(payload) if key == "by_category" else None,
        )
        _add_range(
            figure, "Network: middle half of clinicians", payload["network"][key].get("range")
        )
        figures.append(figure)
    return figures


def withheld_notes(payload: dict) -> list[str]:
    """Say in words what a practice report leaves out, and why."""
    notes = []
    names = {
        "own": "your practice's own figures",
        "comparator": "the similar practice",
        "peer_group": "the peer group",
        "network": "the network",
    }
    for key, name in names.items():
        section = payload.get(key)
        if not section:
            if key != "own":
                notes.append(
                    f"There is no {name.removeprefix('the ')} for this practice: "
                    "too few similar practices took part."
                )
            continue
        profile = section["by_category"]
        if profile.get("values") is None:
            reason = profile.get("reason", "too few people contributed")
            if key == "own":
                notes.append(
                    f"We do not show {name}: {reason}. A practice's own figures appear only "
                    "when enough clinicians have chosen to share their report, so nobody's "
                    "diary can be worked out."
                )
            else:
                notes.append(f"We do not show {name}: {reason}.")
        elif profile.get("withheld"):
            notes.append(
                f"Some tasks are not shown for {name} ({len(profile['withheld'])} in all): "
                "too few people recorded time there, or one person recorded most of it, or the "
                "figure could be worked out from the others."
            )
    return notes


@dataclass(frozen=True)
class Reader:
    """Whose private report this is, in the words its reader needs: the participant reads
    "You", the practice lead they shared it with reads their name, the study team a neutral
    "the participant"."""

    relation: str  # owner, lead (shared with them) or team (a preview)
    name: str  # the participant's name; "" when they print it without
    you: str
    your: str

    @classmethod
    def of(cls, report, viewer, *, with_name: bool = True) -> "Reader":
        name = (report.user.name or "").strip() if with_name and report.user else ""
        if report.user_id == getattr(viewer, "id", None):
            return cls("owner", name, "You", "Your")
        relation = "team" if report.status != "released" or not _leads(viewer, report) else "lead"
        if relation == "lead" and name:
            return cls(relation, name, name, f"{name}'s")
        return cls(relation, name, "The participant", "The participant's")


def _leads(viewer, report) -> bool:
    return any(
        m.role == PRACTICE_LEAD and m.practice_id == report.practice_id
        for m in getattr(viewer, "memberships", ())
    )


def participant_figures(payload: dict, reader: Reader) -> list[Figure]:
    categories = [(c["code"], c["label"]) for c in payload["categories"]]
    groups = list(payload["groups"].items())
    own = payload["own"]
    role = STAFF_ROLE_LABELS.get(payload["staff_role"], "the same role")
    figures = []
    for key, axis, noun in (("by_group", groups, "group"), ("by_category", categories, "task")):
        benchmark = payload["benchmark"].get(key) or {}
        series = [
            Series(reader.you, {code: own[key].get(code, 0.0) for code, _ in axis}, OWN),
            Series(f"Median for {role}", {c: b["median"] for c, b in benchmark.items()}, NETWORK),
        ]
        figure = _figure(
            f"{reader.your} minutes per diary day, by {noun}",
            f"{reader.your} minutes per diary day for each {noun}, beside the median for {role} "
            "across the network. The table also gives the middle half of the range "
            "(interquartile range).",
            axis,
            series,
            parts=task_parts(payload) if key == "by_category" else None,
        )
        _add_range(
            figure,
            "Middle half of the range",
            {code: (b["q1"], b["q3"]) for code, b in benchmark.items()},
        )
        figures.append(figure)
    return figures


def qi_link(report, category_code: str) -> str | None:
    """Where "start a QI project from this finding" goes, once the QI feature is installed."""
    endpoint = QI_ENDPOINTS[report.kind]
    if endpoint not in current_app.view_functions:
        return None
    if report.kind == "practice":
        return url_for(
            endpoint, ods_code=report.practice.ods_code, report=report.id, category=category_code
        )
    return url_for(endpoint, report=report.id, category=category_code)


def _date_range(dates) -> str:
    """Diary dates as a reader files them: "3 March 2026", or "3 and 10 March 2026"."""
    days = [f"{d.day} {d:%B %Y}" for d in dates]
    if len(days) <= 1:
        return "".join(days)
    return ", ".join(days[:-1]) + " and " + days[-1]


def footer_items(report, reader: Reader | None, diary_dates=()) -> list[str]:
    """What every printed page names, so a loose page can be filed: who or which practice, the
    study and round, and which release of the report it is."""
    payload = report.payload
    if report.kind == "practice":
        who = [f"{payload['practice']['name']} ({payload['practice']['ods_code']})"]
    else:
        role = STAFF_ROLE_LABELS.get(payload.get("staff_role"), "")
        who = [", ".join(part for part in (reader.name, role) if part)]
        if diary_dates:
            who.append(f"diary {_date_range(diary_dates)}")
    released = (
        f"released {report.released_at.day} {report.released_at:%B %Y}"
        if report.released_at
        else "draft, not released"
    )
    study = payload["study"]
    return [
        *who,
        f"{study['title']}, round {study['round']}",
        f"version {report.version}",
        released,
    ]


def report_context(report, *, viewer, with_name: bool = True) -> dict:
    """What the report's page and PDF show `viewer`; `with_name=False` prints a private report
    without its participant's name (their choice, e.g. for a portfolio others will read)."""
    payload = report.payload
    present = PRESENTERS.get(payload.get("instrument"))
    if present is not None:
        return present(report, viewer=viewer)
    context = {
        "report": report,
        "payload": payload,
        "study": report.study,
        "preview": report.status == "draft",
        "own_report": report.user_id == getattr(viewer, "id", None),
        "who_labels": WHO_LABELS,
        "role_label": STAFF_ROLE_LABELS.get(payload.get("staff_role"), ""),
        "qi_link": lambda code: qi_link(report, code),
        "display_count": disclosure.display_count,
        "with_name": with_name,
    }
    if report.kind == "practice":
        context["figures"] = practice_figures(payload)
        context["notes"] = withheld_notes(payload)
        context["footer"] = footer_items(report, None)
        return context
    reader = Reader.of(report, viewer, with_name=with_name)
    sharing = queries.sharing_of(report)
    dates = queries.diary_dates(report.user_id, report.study_id)
    context.update(
        reader=reader,
        shared_since=sharing.shared_since if sharing and sharing.shares_with_practice else None,
        diary_dates=_date_range(dates),
        figures=participant_figures(payload, reader),
        footer=footer_items(report, reader, dates),
        notes=(
            []
            if payload["benchmark"].get("by_category")
            else [
                "There is no network comparison for this role: fewer than 3 people in it kept "
                "a diary, and a comparison would show their own figures."
            ]
        ),
    )
    return context
