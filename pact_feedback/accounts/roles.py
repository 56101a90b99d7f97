"""Roles a person can hold, and the staff roles participants choose from (PRODUCT.md section 1)."""

PARTICIPANT = "participant"
PRACTICE_LEAD = "practice_lead"
STUDY_TEAM = "study_team"
ROLES = (PARTICIPANT, PRACTICE_LEAD, STUDY_TEAM)
ROLE_LABELS = {
    PARTICIPANT: "Participant",
    PRACTICE_LEAD: "Practice lead",
    STUDY_TEAM: "Study team",
}

STAFF_ROLES = (
    ("gp_partner", "GP partner"),
    ("salaried_gp", "Salaried GP"),
    ("locum_gp", "Locum GP"),
    ("gp_registrar", "GP registrar"),
    ("foundation_doctor", "Foundation doctor"),
    ("practice_nurse", "Practice nurse"),
    ("anp", "Advanced nurse practitioner"),
    ("clinical_pharmacist", "Clinical pharmacist"),
    ("physician_associate", "Physician associate"),
    ("paramedic", "Paramedic"),
    ("physiotherapist", "Physiotherapist"),
    ("mental_health_practitioner", "Mental-health practitioner"),
    ("other", "Other"),
)
STAFF_ROLE_LABELS = dict(STAFF_ROLES)
