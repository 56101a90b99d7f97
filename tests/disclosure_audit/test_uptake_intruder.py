"""The intruder test on uptake statistics: for generated networks (one-practice nations,
nations of 1-4 practices, a nation's only region, groups of one or two), every withheld
cell of every breakdown on the statistics page keeps an interval of more than one value
given everything else the page shows."""

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pact_feedback.tabulation.breakdowns import add_groups, group_counts
from pact_feedback.tabulation.uptake import tabulate
from tests.disclosure_audit.intruder import audit_question

CHOICES = [("yes", "Yes"), ("planning", "Planning to"), ("no", "No")]
QUESTIONS = {"discussed": CHOICES, "used_for_qi": CHOICES}
ROLES = {"practice_manager": "Practice manager", "gp_partner": "GP partner", "other": "Other"}
NATIONS = ["England", "Scotland", "Wales", "Northern Ireland"]
ANSWERS = st.sampled_from(["yes", "yes", "planning", "no", None])


@st.composite
def networks(draw):
    """(sent, answers): practices in 1-4 nations of 1-12 practices, 1-3 regions each."""
    practices, answers = [], []
    for nation in draw(st.lists(st.sampled_from(NATIONS), min_size=1, max_size=4, unique=True)):
        size = draw(st.integers(1, 12))
        regions = draw(st.integers(1, 3))
        for _ in range(size):
            pid = len(practices) + 1
            region = f"{nation} {draw(st.integers(1, regions))}"
            practices.append(
                (
                    pid,
                    f"P{pid:05d}",
                    nation,
                    draw(st.sampled_from([region, region, None])),
                    draw(st.sampled_from([3000, 7000, 12000, 16000])),
                    draw(st.integers(1, 10)),
                )
            )
            if draw(st.booleans()) or draw(st.booleans()):
                answers.append(
                    (pid, 1, draw(ANSWERS), draw(ANSWERS), draw(st.sampled_from([*ROLES, None])))
                )
    sent = pd.DataFrame(
        practices,
        columns=["practice_id", "ods_code", "nation", "region", "list_size", "imd_decile"],
    )
    frame = pd.DataFrame(
        answers, columns=["practice_id", "wave", "discussed", "used_for_qi", "respondent_role"]
    )
    return sent, frame


def exposures(sent: pd.DataFrame, answers: pd.DataFrame) -> list:
    uptake = tabulate(sent, answers, 1, QUESTIONS, ROLES)
    groups = add_groups(sent).merge(answers, on="practice_id", how="inner")
    region_nation = dict(zip(groups["region"], groups["nation"], strict=True))
    found = []
    for code, choices in QUESTIONS.items():
        codes = [c for c, _ in choices]
        counts = {}

        def truth(by, group, column, code=code, choices=choices, counts=counts):
            if by not in counts:
                labels = ROLES if by == "respondent_role" else None
                counts[by] = group_counts(groups, by, code, choices, labels)
            return int(counts[by].loc[group, column])

        found += audit_question(uptake, code, codes, region_nation, truth)
    return found


def test_the_reported_differencing_is_closed():
    """Northern Ireland (2) and Wales (4, one region) beside England and Scotland: neither can
    be worked out from the nation table, the region table and the totals together."""
    rows, answers = [], []
    for nation, regions in {
        "England": ["London"] * 6 + ["North East"] * 5,
        "Scotland": ["Highland"] * 3 + ["Lothian"] * 4,
        "Wales": ["South Wales"] * 4,
        "Northern Ireland": ["Belfast"] * 2,
    }.items():
        for region in regions:
            pid = len(rows) + 1
            rows.append((pid, f"P{pid}", nation, region, 8000, 5))
            answers.append((pid, 1, ["yes", "planning", "no"][pid % 3], "yes", "gp_partner"))
    sent = pd.DataFrame(
        rows, columns=["practice_id", "ods_code", "nation", "region", "list_size", "imd_decile"]
    )
    frame = pd.DataFrame(
        answers, columns=["practice_id", "wave", "discussed", "used_for_qi", "respondent_role"]
    )
    assert exposures(sent, frame) == []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(networks())
def test_no_withheld_uptake_cell_can_be_worked_out(network):
    sent, answers = network
    assert exposures(sent, answers) == []
