"""Exports open in the tools analysts use, with the same numbers and a data dictionary."""

import io

import pandas as pd

from pact_feedback.tabulation.exports import DATA_DICTIONARY, to_csv, to_dta, to_xlsx
from pact_feedback.tabulation.tables import choice_table
from pact_feedback.tabulation.uptake import Uptake, export_rows

CHOICES = [("yes", "Yes"), ("planning", "Planning to"), ("no", "No")]


def _frame():
    answers = pd.Series(["yes"] * 18 + ["planning"] * 16 + ["no"] * 2)
    uptake = Uptake(wave=1, summary={"n_sent": 40, "n_responded": 36})
    uptake.tables["used_for_qi"] = choice_table(answers, CHOICES)
    return export_rows("why-test", uptake)


def test_xlsx_has_figures_and_data_dictionary():
    sheets = pd.read_excel(io.BytesIO(to_xlsx(_frame())), sheet_name=None)
    figures = sheets["uptake"].set_index("answer")
    assert figures.loc["yes", ["n", "n_responded", "percent_shown"]].tolist() == [18, 36, 50]
    assert figures.loc["planning", "percent"] == 44.4
    assert figures.loc["yes_or_planning", "n"] == 34
    dictionary = sheets["data_dictionary"].set_index("variable")["description"]
    assert list(dictionary.index) == list(sheets["uptake"].columns)
    assert dictionary["ci_low"].startswith("Wilson 95%")


def test_dta_has_values_and_variable_labels():
    reader = pd.io.stata.StataReader(io.BytesIO(to_dta(_frame())))
    with reader:
        labels = reader.variable_labels()
        data = reader.read()
    row = data.set_index("answer").loc["yes"]
    assert (row["n"], row["n_sent"], row["ci_low"], row["ci_high"]) == (18, 40, 34.5, 65.5)
    assert labels["n_responded"] == DATA_DICTIONARY["n_responded"]


def test_csv_round_trip():
    back = pd.read_csv(io.BytesIO(to_csv(_frame())))
    assert back["question"].unique().tolist() == ["used_for_qi"]
    assert back["n"].tolist() == [18, 16, 2, 34]


def test_practice_table_puts_report_use_beside_answers():
    from pact_feedback.tabulation.uptake import practice_table

    sent = pd.DataFrame({"practice_id": [1, 2, 3], "ods_code": ["C3", "A1", "B2"]})
    answers = pd.DataFrame(
        {"practice_id": [1, 2, 1], "wave": [1, 1, 2], "discussed": ["yes", "no", "yes"]}
    )
    accesses = pd.DataFrame({"practice_id": [2], "views": [4], "downloads": [1]})
    table = practice_table(sent, answers, accesses, 1)
    assert table.to_dict("records") == [
        {"ods_code": "A1", "views": 4, "downloads": 1, "answered": True, "discussed": "no"},
        {"ods_code": "B2", "views": 0, "downloads": 0, "answered": False, "discussed": None},
        {"ods_code": "C3", "views": 0, "downloads": 0, "answered": True, "discussed": "yes"},
    ]
