"""Breakdowns by practice characteristics: small groups withheld, and one more when needed."""

import pandas as pd

from pact_feedback.tabulation.breakdowns import add_groups, breakdown, imd_quintile, list_size_band

CHOICES = [("yes", "Yes"), ("planning", "Planning"), ("no", "No")]


def _frame(groups):
    rows = [(g, answer) for g, answers in groups.items() for answer in answers]
    return pd.DataFrame(rows, columns=["nation", "discussed"])


def test_group_of_fewer_than_three_is_withheld_with_a_second_group():
    """Wales (2) is withheld; Scotland, the smallest other group, goes too, so Wales cannot be
    worked out from the overall figures."""
    frame = _frame(
        {
            "England": ["yes", "yes", "no", "planning", "yes"],
            "Scotland": ["yes", "no", "planning"],
            "Northern Ireland": ["yes", "yes", "yes", "no"],
            "Wales": ["yes", "no"],
        }
    )
    table = breakdown(frame, "nation", "discussed", CHOICES)
    assert table["withheld"].to_dict() == {
        "England": False,
        "Northern Ireland": False,
        "Scotland": True,
        "Wales": True,
    }
    assert table.loc["Wales"].drop("withheld").isna().all()
    assert table.loc["England", "n_yes"] == 3 and table.loc["England", "pct_yes"] == 60
    england = table.loc["England", ["pct_yes", "pct_planning", "pct_no"]]
    assert england.sum() == 100


def test_no_second_group_withheld_when_two_are_small():
    frame = _frame({"A": ["yes"] * 4, "B": ["no"], "C": ["yes", "no"], "D": ["no"] * 3})
    table = breakdown(frame, "nation", "discussed", CHOICES)
    assert table["withheld"].to_dict() == {"A": False, "B": True, "C": True, "D": False}


def test_unanswered_group_and_labels():
    frame = pd.DataFrame(
        {"respondent_role": ["gp_partner"] * 3 + [None] * 3, "discussed": ["yes"] * 6}
    )
    table = breakdown(
        frame, "respondent_role", "discussed", CHOICES, labels={"gp_partner": "GP partner"}
    )
    assert list(table.index) == ["GP partner", "Not answered"]
    assert table["n_responded"].tolist() == [3, 3]


def test_bands():
    assert list_size_band(4999) == "Under 5,000"
    assert list_size_band(5000) == "5,000 to 9,999"
    assert list_size_band(15000) == "15,000 or more"
    assert imd_quintile(1) == "1 (most deprived)" and imd_quintile(4) == "2"
    assert imd_quintile(10) == "5 (least deprived)"
    frame = add_groups(pd.DataFrame({"list_size": [12000], "imd_decile": [6]}))
    assert frame.loc[0, ["list_size_band", "imd_quintile"]].tolist() == ["10,000 to 14,999", "3"]
