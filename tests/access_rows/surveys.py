"""Access rows for the uptake surveys: practice leads answer their own practice's waves; the
study team reads, edits the survey, sends emails and reads the uptake statistics."""

from datetime import date, timedelta

from pact_feedback.extensions import db
from pact_feedback.surveys.actions import ensure_default_survey, save_response
from tests.access_rows import OWN_PRACTICE_PAGE, TEAM_FORM, TEAM_PAGE, row

# A refused or empty button press goes back to the survey page with a message.
TEAM_BUTTON = row(302, 403, 403, 403, 302)


def extend_world(world):
    """Both practices were sent a report; wave 1 is open; the other practice has answered."""
    for enrolment in world.study.enrolments:
        enrolment.report_sent_on = date.today() - timedelta(days=100)
    survey = ensure_default_survey(world.study)
    first, second = survey.waves
    first.opens_on, first.closes_on = date.today() - timedelta(days=2), date.today() + timedelta(20)
    second.opens_on, second.closes_on = date.today() + timedelta(90), date.today() + timedelta(120)
    # Waves are open only at the uptake-survey stage; the shared study stays recruiting for the
    # other features' rows, so the answer is saved at that stage and the stage put back.
    world.study.status = "survey_open"
    db.session.commit()
    other_lead = world.users["other_lead"]
    save_response(
        first,
        world.other_practice,
        {"discussed": "yes", "used_for_qi": "no"},
        by=other_lead,
        submit=True,
    )
    world.study.status = "recruiting"
    db.session.commit()
    world.values.update(number=1, code="discussed")


ROWS = {
    "surveys.practice_index": {"GET": OWN_PRACTICE_PAGE},
    "surveys.answer": {
        "GET": OWN_PRACTICE_PAGE,
        # The shared study is recruiting, so no wave is open (the survey follows the stage):
        # the lead's answer is refused with 409; the study team never answers.
        "POST": row(302, 404, 409, 404, 403),
    },
    "surveys.manage": {"GET": TEAM_PAGE},
    "surveys.uptake": {"GET": TEAM_PAGE},
    "surveys.uptake_csv": {"GET": TEAM_PAGE},
    "surveys.uptake_xlsx": {"GET": TEAM_PAGE},
    "surveys.uptake_dta": {"GET": TEAM_PAGE},
    "surveys.uptake_practices": {"GET": TEAM_PAGE},
    "surveys.new_question": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    "surveys.edit_question": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    "surveys.move_question": {"POST": TEAM_BUTTON},
    # `discussed` is fixed: the deletion is refused, with a message.
    "surveys.delete_question": {"GET": TEAM_PAGE, "POST": TEAM_BUTTON},
    "surveys.export_json": {"GET": TEAM_PAGE},
    "surveys.import_json": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    "surveys.new_wave": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    "surveys.edit_wave": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    "surveys.send_wave": {"POST": TEAM_BUTTON},
    "surveys.import_responses": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
}
