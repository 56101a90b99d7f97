"""The two starter outlines the PACT practice report page promises: one for before the report
arrives, one for after. Data, copied into a new project's form and then the team's own."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Outline:
    key: str
    title: str
    summary: str
    aim_what: str
    aim_how_much: str
    change_ideas: str
    measures: list[dict] = field(default_factory=list)
    first_cycle: dict = field(default_factory=dict)
    evidence_tags: tuple[str, ...] = ("gp_training", "foundation", "appraisal")


BEFORE = Outline(
    key="before",
    title="Estimate our hidden workload, then compare",
    summary="Before the report arrives: each clinician estimates the time they spend on work "
    "patients never see; when the report comes, compare the estimates with it.",
    aim_what="Understand how much of our clinicians' working day goes on hidden work (results, "
    "prescriptions, letters, referrals and admin) and how our own estimates compare with our "
    "PACT practice report.",
    aim_how_much="Every clinician records an estimate before the report is released; we compare "
    "the estimates with the report at a practice meeting within a month of its release.",
    change_ideas="Ask each clinician to estimate their minutes per day on each kind of hidden "
    "work.\nCollect the estimates at a clinical meeting.\nWhen the report arrives, set the "
    "estimates beside the similar practice and the network.\nChoose one area where the gap "
    "surprised us for a follow-on project.",
    measures=[
        {
            "kind": "outcome",
            "name": "Estimated minutes per clinician per day on hidden work",
            "definition": "Each clinician's estimate of daily minutes on activity without the "
            "patient, team work and admin (groups B to D), averaged across clinicians",
            "data_source": "Estimate sheet completed at a clinical meeting",
            "frequency": "Once before the report, once after",
            "unit": "minutes",
        },
        {
            "kind": "process",
            "name": "Clinicians who recorded an estimate",
            "definition": "Clinicians who returned an estimate, as a percentage of clinicians "
            "in the practice",
            "data_source": "Estimate sheets",
            "frequency": "Weekly until the report arrives",
            "unit": "%",
        },
        {
            "kind": "balancing",
            "name": "Clinician time spent on the exercise",
            "definition": "Minutes each clinician spent making and discussing the estimate",
            "data_source": "Asked at the meeting",
            "frequency": "Once",
            "unit": "minutes",
        },
    ],
    first_cycle={
        "objective": "Collect a workload estimate from every clinician at one clinical meeting",
        "prediction": "Most of us will underestimate time on correspondence and test results",
        "plan_what": "Hand out a one-page estimate sheet listing the diary categories; collect "
        "it before the end of the meeting",
        "plan_who": "Practice lead with the clinical team",
    },
)

AFTER = Outline(
    key="after",
    title="Reduce GP time on correspondence by redirecting letters",
    summary="After the report: if correspondence takes more GP time than at the similar "
    "practice, test redirecting letters that need no GP action to trained admin staff.",
    aim_what="Reduce the time GPs spend on correspondence and documents (B3) by redirecting "
    "letters that need no GP action to trained administrative staff, safely.",
    aim_how_much="By a quarter from our baseline minutes per GP per day, with no rise in letters "
    "returned to a GP after admin handling.",
    change_ideas="Agree with GPs a protocol of letter types admin staff may code and file "
    "without GP review.\nTrain two administrators in the protocol.\nA GP checks a sample of "
    "processed letters each week.\nShare what we learn with our primary care network.",
    measures=[
        {
            "kind": "outcome",
            "name": "Minutes per clinician per day on Correspondence and documents",
            "definition": "GP minutes on hospital letters, discharge summaries and 'GP to' "
            "requests on a sampled day, divided by the GPs who recorded that day",
            "data_source": "Repeat diary day or a timed sample of sessions",
            "frequency": "Weekly",
            "unit": "minutes",
        },
        {
            "kind": "process",
            "name": "Letters handled by admin staff without GP review",
            "definition": "Letters coded and filed by admin staff under the protocol, as a "
            "percentage of all incoming letters that week",
            "data_source": "Document management system report",
            "frequency": "Weekly",
            "unit": "%",
        },
        {
            "kind": "balancing",
            "name": "Letters returned to a GP after admin handling",
            "definition": "Letters sent back to a GP because an action was missed, and any "
            "significant events linked to letter handling",
            "data_source": "Weekly GP sample check and significant-event log",
            "frequency": "Weekly",
            "unit": "letters",
        },
    ],
    first_cycle={
        "objective": "Redirect outpatient clinic letters with no actions for one GP for two weeks",
        "prediction": "That GP's time on correspondence falls by about 10 minutes a day with no "
        "missed actions",
        "plan_what": "Two trained administrators code and file no-action clinic letters for "
        "one GP; the GP checks every redirected letter at the end of each day",
        "plan_who": "One GP partner, two administrators, the practice manager",
    },
    evidence_tags=("gp_training", "foundation", "appraisal", "cqc"),
)

OUTLINES = {outline.key: outline for outline in (BEFORE, AFTER)}
