"""Realistic, deterministic demo data: the same practices, studies and people every time."""

import random
from datetime import date, timedelta

from pact_feedback.accounts.actions import grant_role
from pact_feedback.accounts.models import Consent, User
from pact_feedback.accounts.passwords import hash_password
from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD, STAFF_ROLES, STUDY_TEAM
from pact_feedback.core.time import today, utcnow
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice
from pact_feedback.studies.lifecycle import STAGES
from pact_feedback.studies.models import Enrolment, Study

# (nation, regions, how many practices)
_GEOGRAPHY = (
    (
        "England",
        (
            "North East and Yorkshire",
            "North West",
            "Midlands",
            "East of England",
            "London",
            "South East",
            "South West",
        ),
        28,
    ),
    ("Scotland", ("NHS Greater Glasgow and Clyde", "NHS Lothian", "NHS Highland"), 5),
    ("Wales", ("Cardiff and Vale", "Betsi Cadwaladr", "Swansea Bay"), 4),
    ("Northern Ireland", ("Belfast", "Southern", "Western"), 3),
)
_PLACES = (
    "Riverside",
    "Park View",
    "Castle",
    "Oakwood",
    "Millbrook",
    "High Street",
    "Abbey",
    "Harbour",
    "Meadow",
    "Station Road",
    "Church Lane",
    "Valley",
    "Hillside",
    "Bridge",
    "Market Square",
    "Northgate",
    "Westfield",
    "Elm Tree",
    "Priory",
    "Kingsway",
)
_KINDS = ("Surgery", "Medical Centre", "Health Centre", "Medical Practice", "Family Practice")

LEAD_EMAIL = "lead.{n}@practice.example"
DEMO_LOGINS = (
    ("study.team@pact.example", "study team (every study)"),
    ("lead.1@practice.example", "practice lead, first demo practice"),
    ("lead.2@practice.example", "practice lead, second demo practice"),
    ("gp.1@practice.example", "participant (GP partner), with a released pilot report"),
    ("nurse.1@practice.example", "participant (practice nurse), consented"),
    ("new.1@practice.example", "participant who has not yet given consent"),
    ("gp.2@practice.example", "Why Test record audit: 23 of 50 cases entered, not submitted"),
)


def demo_practices(rng: random.Random) -> list[Practice]:
    practices, number = [], 0
    for nation, regions, count in _GEOGRAPHY:
        prefix = {"England": "A", "Scotland": "S", "Wales": "W", "Northern Ireland": "Z"}[nation]
        for i in range(count):
            number += 1
            imd = round(rng.uniform(6, 55), 1)
            practices.append(
                Practice(
                    ods_code=f"{prefix}{81000 + number}",
                    name=f"{_PLACES[(number * 7) % len(_PLACES)]} {_KINDS[number % len(_KINDS)]}",
                    nation=nation,
                    region=regions[i % len(regions)],
                    list_size=int(rng.lognormvariate(9.0, 0.45)),
                    pct_65_plus=round(rng.uniform(8, 30), 1),
                    imd_score=imd,
                    imd_decile=max(1, min(10, 11 - int(imd // 5.5))),
                    pct_rural=round(rng.choice([0, 0, 5, 20, 45, 80]) + rng.uniform(0, 10), 1),
                    data_date=date(2026, 4, 1),
                )
            )
    return practices


def _study(slug, title, status, start, end, description) -> Study:
    study = Study(
        slug=slug,
        title=title,
        description=description,
        status=status,
        collection_start=start,
        collection_end=end,
        pis_version="1.0",
    )
    for stage in STAGES[1 : [s.code for s in STAGES].index(status) + 1]:
        setattr(study, stage.date_field, utcnow())
    return study


def seed(password: str) -> None:
    rng = random.Random(2026)
    password_hash = hash_password(password)  # one hash for every demo user keeps seeding fast
    practices = demo_practices(rng)
    db.session.add_all(practices)

    start = today() - timedelta(days=7)
    workload = _study(
        "hidden-workload",
        "The Hidden Workload Study",
        "collecting",
        start,
        start + timedelta(days=27),
        "Clinicians record all the work they do on one diary day, including the work patients "
        "never see: results, prescriptions, letters, referrals and admin.",
    )
    why_test = _study(
        "why-test",
        "Why Test",
        "survey_open",
        date(2025, 9, 1),
        date(2025, 10, 31),
        "Why are blood tests requested in general practice? Reports were produced and sent "
        "outside PACT Feedback; the uptake survey runs here.",
    )
    db.session.add_all([workload, why_test])
    for practice in practices:
        db.session.add(Enrolment(study=workload, practice=practice))
        if practice.nation in ("England", "Wales"):
            db.session.add(
                Enrolment(study=why_test, practice=practice, report_sent_on=date(2026, 1, 15))
            )
    db.session.flush()

    def user(email, name):
        person = User(email=email, name=name, password_hash=password_hash)
        db.session.add(person)
        db.session.flush()
        return person

    team = user("study.team@pact.example", "Sam Okafor")
    grant_role(team, STUDY_TEAM, by=team)
    for n, practice in enumerate(practices[:6], start=1):
        lead = user(LEAD_EMAIL.format(n=n), f"Practice Lead {n}")
        grant_role(lead, PRACTICE_LEAD, practice=practice, by=team)

    first = practices[0]
    people = [
        ("gp.1@practice.example", "Dr Asha Patel", "gp_partner"),
        ("nurse.1@practice.example", "Jo Evans", "practice_nurse"),
    ]
    people += [
        (f"clinician.{i}@practice.example", f"Clinician {i}", STAFF_ROLES[i % 12][0])
        for i in range(1, 5)
    ]
    first_people = []
    for email, name, staff_role in people:
        person = user(email, name)
        membership = grant_role(person, PARTICIPANT, practice=first, study=workload, by=team)
        membership.staff_role = staff_role
        db.session.add(Consent(user_id=person.id, study_id=workload.id, pis_version="1.0"))
        first_people.append((person, staff_role))
    newcomer = user("new.1@practice.example", "Alex Morgan")
    grant_role(newcomer, PARTICIPANT, practice=first, study=workload, by=team)
    db.session.commit()
    from pact_feedback.diary.demo import seed_diary

    seed_diary(workload, random.Random(f"diary-{workload.slug}"))
    from pact_feedback.reports.demo import seed_pilot_reports

    seed_pilot_reports(
        team=team,
        practices=practices,
        first_practice_people=first_people,
        password_hash=password_hash,
        rng=random.Random("pilot-reports"),
    )
    from pact_feedback.qi.demo import seed_qi

    seed_qi(first)
    from pact_feedback.surveys.demo import seed_uptake

    seed_uptake(why_test, workload)
    from pact_feedback.casebook.demo import seed_audit

    seed_audit(
        why_test, team=team, password_hash=password_hash, rng=random.Random("why-test-audit")
    )
