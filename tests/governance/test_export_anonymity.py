"""The analysis export cannot be joined back to the practices: quasi-identifiers are coarsened
until every combination in practices.csv is shared by at least 5 practices, dates are shifted
unless the study team opts out (and that is logged), free text stays out by default."""

import csv
import io
import random
import zipfile

from sqlalchemy import select

from pact_feedback.accounts.roles import STUDY_TEAM
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from pact_feedback.governance.anonymity import K_ANONYMITY, QUASI_IDENTIFIERS, WITHHELD
from pact_feedback.governance.export import ExportOptions, build_export
from pact_feedback.practices.models import Practice
from pact_feedback.tabulation.breakdowns import imd_quintile, list_size_band
from tests.conftest import login, make_practice, make_study, make_user, submit
from tests.governance.test_export import _study_with_data

REGIONS = {"England": ["London", "North East", "South West"], "Wales": ["South Wales"]}


def _practices_csv(study, **options) -> list[dict]:
    data = build_export(study, ExportOptions(**options)).data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read("practices.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _network(n: int, seed: int = 7):
    """`n` enrolled practices with varied, realistic demographics (many unique) and as many
    again imported but not in the study."""
    rng = random.Random(seed)
    made = []
    for _ in range(2 * n):
        nation = rng.choice(["England"] * 5 + ["Wales"])
        decile = rng.randint(1, 10)
        made.append(
            make_practice(
                nation=nation,
                region=rng.choice(REGIONS[nation]),
                list_size=rng.randint(1800, 22000),
                pct_65_plus=round(rng.uniform(6, 32), 1),
                imd_score=round(rng.uniform(5, 55), 2),
                imd_decile=decile,
                pct_rural=round(rng.uniform(0, 80), 1),
            )
        )
    return make_study(practices=made[:n]), made


def _k(rows: list[dict]) -> int:
    classes: dict[tuple, int] = {}
    for row in rows:
        key = tuple(row[c] for c in QUASI_IDENTIFIERS)
        classes[key] = classes.get(key, 0) + 1
    return min(classes.values())


def _bands(practice: Practice) -> dict:
    """The imported practice file, coarsened the same way the export is."""
    from pact_feedback.governance.anonymity import bands

    return bands(
        {
            "nation": practice.nation,
            "region": practice.region,
            "list_size": practice.list_size,
            "pct_65_plus": practice.pct_65_plus,
            "imd_decile": practice.imd_decile,
            "pct_rural": practice.pct_rural,
        }
    )


def test_every_combination_of_quasi_identifiers_is_shared_by_five(ctx):
    study, _ = _network(40)
    rows = _practices_csv(study)
    assert len(rows) == 40
    assert _k(rows) >= K_ANONYMITY == 5
    for exact in ("list_size", "pct_65_plus", "imd_score", "pct_rural"):
        assert exact not in rows[0], f"{exact} travels exactly"


def test_joining_the_export_to_the_practice_file_matches_no_practice_uniquely(ctx):
    """An attacker holding the imported practice file finds at least 5 candidates per row."""
    study, made = _network(40)
    public = [_bands(p) for p in made]
    for row in _practices_csv(study):
        matches = [p for p in public if all(row[c] in (WITHHELD, p[c]) for c in QUASI_IDENTIFIERS)]
        assert len(matches) >= K_ANONYMITY, row


def test_a_study_of_too_few_practices_exports_no_demographics(ctx):
    study, _ = _network(3)
    rows = _practices_csv(study)
    assert {row[c] for row in rows for c in QUASI_IDENTIFIERS} == {WITHHELD}


def test_bands_are_what_the_dictionary_says(ctx):
    practice = make_practice(list_size=9999, pct_65_plus=19.95, imd_decile=2, pct_rural=50.0)
    coarse = _bands(practice)
    assert coarse["list_size_band"] == list_size_band(9999)
    assert coarse["imd_quintile"] == imd_quintile(2)
    assert coarse["pct_65_plus_band"] == "15 to 19.9" and coarse["pct_rural_band"] == "50 or more"


def test_dates_are_shifted_by_default_and_real_dates_are_an_audited_choice(client):
    study, _, _ = _study_with_data()
    shifted = build_export(study, ExportOptions()).data
    real = build_export(study, ExportOptions(shift_dates=False)).data
    with zipfile.ZipFile(io.BytesIO(shifted)) as a, zipfile.ZipFile(io.BytesIO(real)) as b:
        assert a.read("diary_days.csv") != b.read("diary_days.csv")
        assert b"SHIFTED" in a.read("README.txt")
    team = make_user(role=STUDY_TEAM)
    login(client, team)
    url = f"/governance/studies/{study.slug}/export"
    web_default = submit(client, url, {}, follow_redirects=True)
    with zipfile.ZipFile(io.BytesIO(web_default.data)) as archive:
        assert archive.read("diary_days.csv") == zipfile.ZipFile(io.BytesIO(shifted)).read(
            "diary_days.csv"
        )
    submit(client, url, {"real_dates": "y"}, follow_redirects=True)
    events = db.session.scalars(
        select(AuditEvent).filter_by(action="analysis_exported").order_by(AuditEvent.id)
    ).all()
    assert [e.details["shift_dates"] for e in events] == [True, False]
    assert events[-1].details["real_dates"] is True


def test_cli_shifts_dates_unless_told_real_dates(app, ctx, tmp_path):
    study, _, _ = _study_with_data()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["export", study.slug, str(tmp_path / "a.zip")]).exit_code == 0
    result = runner.invoke(args=["export", study.slug, str(tmp_path / "b.zip"), "--real-dates"])
    assert result.exit_code == 0, result.output
    events = db.session.scalars(
        select(AuditEvent).filter_by(action="analysis_exported").order_by(AuditEvent.id)
    ).all()
    assert [e.details["shift_dates"] for e in events] == [True, False]
