"""Why Test as it ran: a record audit of 57 practices whose national figures are the published
ones (Why Test: 2,572 patients with a blood test; investigation of symptoms 43.2%, monitoring of
existing disease 30.1%, of medication 10.1%, follow-up of a previous abnormality 6.8%, patient
request 1.5%; 26.6% completely normal; 6.2% a new or confirmed diagnosis; 48% no change in
management; about a quarter partly or fully unnecessary in retrospect).

Exact counts are dealt out to shuffled cases, so the figures hold to one decimal whatever the
seed. One more practice is still entering its audit (23 of 50), so it has not been sent a
report: 57 practices were sent one, 36 of them answered the uptake survey, as published.
Its clinician signs in as AUDIT_EMAIL.
"""

import random
from datetime import date

from sqlalchemy import select

from pact_feedback.accounts.actions import grant_role
from pact_feedback.accounts.models import Consent, Membership, User
from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD
from pact_feedback.casebook.actions import set_up_audit
from pact_feedback.casebook.models import Case, CaseAudit, CaseReview
from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice
from pact_feedback.reports.actions import generate, release
from pact_feedback.studies.models import Enrolment

AUDIT_EMAIL = "gp.2@practice.example"
TOTAL = 2572
AUDITED = 57
IN_PROGRESS = 23
REASONS = {
    "symptoms": 1111,
    "disease_monitoring": 774,
    "medication_monitoring": 260,
    "previous_abnormal": 175,
    "patient_request": 39,
    "screening": 120,
    "other": 93,
}
RESULTS = {"normal": 684, "borderline": 900, "abnormal": 988}
NEW_DIAGNOSIS = 159
NO_CHANGE = 1235
NECESSITY = {"necessary": 1929, "partly_unnecessary": 437, "unnecessary": 206}
REQUESTERS = {"gp": 0.70, "nurse": 0.15, "pharmacist": 0.04, "hca": 0.05, "secondary_care": 0.04}
AGE_BANDS = {"age_0_17": 0.04, "age_18_39": 0.18, "age_40_64": 0.38, "age_65_79": 0.27}
TESTS = ("fbc", "renal", "liver", "thyroid", "lipids", "hba1c", "crp", "ferritin", "other")
OTHER_OUTCOMES = ("repeat_test", "medication_change", "referral", "further_tests", "follow_up")
# Four more nations' practices, so 57 audited across the UK as in the published audit.
EXTRA = (
    ("England", "A", 10),
    ("Scotland", "S", 3),
    ("Wales", "W", 3),
    ("Northern Ireland", "Z", 2),
)


def _dealt(counts: dict, rng: random.Random) -> list[str]:
    values = [code for code, n in counts.items() for _ in range(n)]
    rng.shuffle(values)
    return values


def _pick(weights: dict, rng: random.Random, *, rest: str) -> str:
    """A code drawn with `weights`; `rest` takes what the weights leave."""
    share = max(0.0, 1 - sum(weights.values()))
    return rng.choices([*weights, rest], [*weights.values(), share])[0]


def demo_cases(rng: random.Random) -> list[dict]:
    """TOTAL answer sets with exactly the published counts."""
    reasons, results, necessity = (_dealt(c, rng) for c in (REASONS, RESULTS, NECESSITY))
    abnormal = [i for i, r in enumerate(results) if r == "abnormal"]
    diagnosed = set(rng.sample(abnormal, NEW_DIAGNOSIS))
    normal = [i for i, r in enumerate(results) if r == "normal"]
    borderline = [i for i, r in enumerate(results) if r == "borderline"]
    unchanged = set(normal) | set(rng.sample(borderline, NO_CHANGE - len(normal)))
    cases = []
    for i in range(TOTAL):
        outcome = (
            ["no_change"]
            if i in unchanged
            else sorted(rng.sample(OTHER_OUTCOMES, rng.choice((1, 1, 2))))
        )
        cases.append(
            {
                "age_band": _pick(AGE_BANDS, rng, rest="age_80_plus"),
                "sex": rng.choices(("female", "male"), (0.58, 0.42))[0],
                "requester": _pick(REQUESTERS, rng, rest="other"),
                "reasons": [reasons[i]],
                "tests": sorted(rng.sample(TESTS[:8], rng.choice((1, 2, 2, 3)))),
                "result": results[i],
                "outcome": outcome,
                "new_diagnosis": "yes" if i in diagnosed else "no",
                "necessity": necessity[i],
            }
        )
    return cases


def _extra_practices(rng: random.Random, first_number: int) -> list[Practice]:
    practices, number = [], first_number
    for nation, prefix, count in EXTRA:
        for _ in range(count):
            number += 1
            imd = round(rng.uniform(6, 55), 1)
            practices.append(
                Practice(
                    ods_code=f"{prefix}{81000 + number}",
                    name=f"Why Test Practice {number}",
                    nation=nation,
                    region="",
                    list_size=int(rng.lognormvariate(9.0, 0.45)),
                    pct_65_plus=round(rng.uniform(8, 30), 1),
                    imd_score=imd,
                    imd_decile=max(1, min(10, 11 - int(imd // 5.5))),
                    pct_rural=round(rng.uniform(0, 60), 1),
                    data_date=date(2026, 4, 1),
                )
            )
    return practices


def seed_audit(why_test, *, team, password_hash: str, rng: random.Random) -> None:
    """Attach the record audit to the demo's Why Test study, then release its reports."""
    form = set_up_audit(why_test, by=team)
    enrolled = db.session.scalars(
        select(Practice)
        .join(Enrolment, Enrolment.practice_id == Practice.id)
        .where(Enrolment.study_id == why_test.id)
        .order_by(Practice.id)
    ).all()
    extra = _extra_practices(rng, first_number=db.session.query(Practice).count())
    db.session.add_all(extra)
    db.session.add_all(Enrolment(study=why_test, practice=p) for p in extra)
    # The last enrolled practice answered no survey: still auditing, so not yet sent a report.
    entering, audited = enrolled[-1], [*enrolled[:-1], *extra][:AUDITED]
    db.session.scalars(
        select(Enrolment).filter_by(study_id=why_test.id, practice_id=entering.id)
    ).one().report_sent_on = None
    clinician = _clinician(why_test, entering, team=team, password_hash=password_hash)
    leads = dict(
        db.session.execute(
            select(Membership.practice_id, Membership.user_id).where(
                Membership.role == PRACTICE_LEAD
            )
        ).all()
    )
    cases = demo_cases(rng)
    sizes = [TOTAL // AUDITED + (1 if i < TOTAL % AUDITED else 0) for i in range(AUDITED)]
    start, now = 0, utcnow()
    for practice, size in zip(audited, sizes, strict=True):
        audit = CaseAudit(form=form, practice=practice, submitted_at=now)
        db.session.add(audit)
        for sequence, answers in enumerate(cases[start : start + size], start=1):
            audit.cases.append(
                Case(sequence=sequence, answers=answers, entered_by_id=leads.get(practice.id))
            )
        start += size
    in_progress = CaseAudit(form=form, practice=entering)
    db.session.add(in_progress)
    for sequence, answers in enumerate(demo_cases(random.Random(1))[:IN_PROGRESS], start=1):
        in_progress.cases.append(
            Case(sequence=sequence, answers=answers, entered_by_id=clinician.id)
        )
    db.session.flush()
    _second_reviews(form, rng)
    db.session.commit()
    generate(why_test, by=team)
    release(why_test, by=team, notify=False)


def _clinician(why_test, practice, *, team, password_hash: str) -> User:
    """The demo clinician entering the unfinished audit (consented, so they can sign in and go
    straight to it)."""
    person = User(email=AUDIT_EMAIL, name="Dr Morgan Lee", password_hash=password_hash)
    db.session.add(person)
    db.session.flush()
    membership = grant_role(person, PARTICIPANT, practice=practice, study=why_test, by=team)
    membership.staff_role = "gp_partner"
    db.session.add(Consent(user_id=person.id, study_id=why_test.id, pis_version="1.0"))
    return person


def _second_reviews(form, rng: random.Random) -> None:
    """Colleagues agree on most sampled cases, as in a kappa of about 0.6."""
    sampled = db.session.execute(
        select(Case.id, Case.answers)
        .join(CaseAudit)
        .where(CaseAudit.form_id == form.id, CaseAudit.submitted_at.is_not(None))
        .where(Case.sequence % 10 == 0)
    ).all()
    codes = list(NECESSITY)
    for case_id, answers in sampled:
        first = answers["necessity"]
        second = first if rng.random() < 0.8 else rng.choice([c for c in codes if c != first])
        db.session.add(CaseReview(case_id=case_id, judgement=second))
