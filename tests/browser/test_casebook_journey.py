"""The whole record-audit loop of issue 21 in one browser journey, in order, on the demo: the
study team imports a practice and sets up a record-audit study from the Why Test template, moves
it through its stages and invites a practice lead; the lead invites a clinician, who consents,
enters cases on the web (save and next) and from a CSV, and submits the audit; the lead, whom
the study team assigned as second reviewer, reviews a sampled case blind; the study team
generates and releases the practice report (the emails go as a job); the lead reads the report
from the emailed link and the practice page, and answers the uptake survey; the study team
reads and downloads the national tables (CSV, XLSX) and the uptake statistics (CSV). axe on
every new kind of page; the pages and emails of a record audit never speak of a diary.

Everything the journey makes has its own names (practice J21001, study why-test-journey, new
people), so it shares the demo with the other browser tests in any order.
"""

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import TEAM

SLUG = "why-test-journey"
TITLE = "Why Test, journey"
ODS = "J21001"
SURGERY = "Journey Lane Surgery"
LEAD_EMAIL = "lead.journey@practice.example"
GP_EMAIL = "gp.journey@practice.example"
PASSWORD = "a long and private journey password"
LINK = re.compile(r"https?://\S+")

PRACTICE_CSV = (
    "ods_code,name,nation,region,list_size,pct_65_plus,imd_score,imd_decile,pct_rural,data_date\n"
    f"{ODS},{SURGERY},Wales,Cardiff,8200,19.5,22.0,5,12.0,2026-04-01\n"
)
# Cases 3 to 12 as a clinician fills a spreadsheet first: answer codes, several split by ";".
CASES_CSV = (
    "sequence,age_band,sex,requester,reasons,tests,result,outcome,new_diagnosis,necessity\n"
    + "".join(
        f"{n},age_40_64,{'female' if n % 2 else 'male'},gp,"
        f"{'symptoms' if n % 3 else 'disease_monitoring;medication_monitoring'},fbc;renal,"
        f"{'normal' if n % 4 else 'abnormal'},no_change,{'yes' if n == 12 else 'no'},"
        f"{'unnecessary' if n == 10 else 'necessary'}\n"
        for n in range(3, 13)
    )
)


def _email(live_server, sent_before: int, to: str) -> tuple[str, str]:
    """(the link, the body) of the one email sent to `to` since `sent_before`."""
    mails = [m for m in live_server.outbox[sent_before:] if m.to == [to]]
    assert len(mails) == 1, [(m.to, m.subject) for m in live_server.outbox[sent_before:]]
    return LINK.search(mails[0].body).group(0), mails[0].body


def _emailed_link(live_server, sent_before: int, to: str) -> str:
    return _email(live_server, sent_before, to)[0]


def _h1(page, text):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _join(page, link, axe_check=None):
    """Follow an emailed invitation and create the account (signed in after)."""
    page.goto(link)
    _h1(page, "Join PACT Feedback")
    if axe_check:
        axe_check(page)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm new password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("Your account is ready")


def _stage(page, axe_check, action):
    """Take the study's next step from its page, through the confirmation (which speaks of
    the record audit, never of a diary)."""
    page.goto(f"/studies/{SLUG}")
    page.get_by_role("link", name=action).click()
    _h1(page, action)
    expect(page.get_by_role("main")).not_to_contain_text("diary")
    axe_check(page)
    page.get_by_role("button", name=re.compile("^Confirm")).click()
    expect(page.get_by_role("status")).to_contain_text("The study is now at the stage")


def _answer(page, question, *labels):
    group = page.get_by_role("group", name=re.compile(question))
    for label in labels:
        group.get_by_label(label, exact=True).check()


def _case(page, *, age, sex, reasons, result, necessity):
    _answer(page, "age band", age)
    _answer(page, "Patient's sex", sex)
    _answer(page, "Who requested", "GP")
    _answer(page, "Why were the tests", *reasons)
    _answer(page, "Which tests", "Full blood count")
    _answer(page, "What were the results", result)
    _answer(page, "What happened next", "No change in management")
    _answer(page, "new or confirmed diagnosis", "No")
    _answer(page, "were the tests necessary", necessity)


def _download(page, link_name) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_record_audit_from_set_up_to_national_tables(
    live_server, signed_in_page, new_page, axe_check
):
    today = date.today()
    team = signed_in_page(TEAM)

    # The study team: a new practice, then a record-audit study from the Why Test template.
    team.get_by_role("navigation", name="Menu").get_by_role("link", name="Practices").click()
    team.get_by_role("link", name="Import practices from CSV").click()
    team.get_by_label("Practice demographics CSV").set_input_files(
        files=[{"name": "practices.csv", "mimeType": "text/csv", "buffer": PRACTICE_CSV.encode()}]
    )
    team.get_by_role("button", name="Check and import").click()
    expect(team.get_by_role("status")).to_contain_text("Imported 1 new practice")

    team.get_by_role("navigation", name="Menu").get_by_role("link", name="Studies").click()
    team.get_by_role("link", name=re.compile("Set up a new study")).click()
    team.get_by_label("Title").fill(TITLE)
    team.get_by_label("Short name (slug)").fill(SLUG)
    team.get_by_label("First day of data collection").fill((today - timedelta(days=1)).isoformat())
    team.get_by_label("Last day of data collection").fill((today + timedelta(days=30)).isoformat())
    team.get_by_label(re.compile("^Record audit")).check()
    team.get_by_role("button", name="Create study").click()
    _h1(team, "Collect by record audit")
    team.get_by_role("button", name="Use the Why Test form").click()
    _h1(team, "Record audit")
    team.get_by_label("Cases per practice").fill("12")
    team.get_by_role("button", name="Save settings").click()
    expect(team.get_by_role("status")).to_contain_text("Audit settings saved")
    expect(team.get_by_label("Cases per practice")).to_have_value("12")

    team.get_by_role("link", name="Back to the study").click()
    _h1(team, TITLE)
    team.get_by_role("link", name="Enrol practices").click()
    team.get_by_label("ODS codes").fill(ODS)
    team.get_by_role("button", name="Enrol practices").click()
    expect(team.get_by_text("1 practice(s) enrolled")).to_be_visible()
    _stage(team, axe_check, "Start recruiting")

    sent = len(live_server.outbox)
    team.get_by_role("link", name=f"Invite a lead for {SURGERY}").click()
    _h1(team, re.compile("lead"))
    axe_check(team)
    team.get_by_label("Name").fill("Lee Journey")
    team.get_by_label("Email address").fill(LEAD_EMAIL)
    team.get_by_role("button", name=re.compile("Send invitation")).click()
    expect(team.get_by_role("status")).to_contain_text(f"Invitation sent to {LEAD_EMAIL}")
    lead_link = _emailed_link(live_server, sent, LEAD_EMAIL)

    # The lead joins and invites a clinician to the study.
    lead = new_page()
    _join(lead, lead_link)
    lead.get_by_role("main").get_by_role("link", name=SURGERY).click()
    _h1(lead, SURGERY)
    axe_check(lead)
    sent = len(live_server.outbox)
    lead.get_by_role("link", name=f"Invite a colleague to {TITLE}").click()
    lead.get_by_label("Name").fill("Gill Journey")
    lead.get_by_label("Email address").fill(GP_EMAIL)
    lead.get_by_role("button", name="Send invitation").click()
    expect(lead.get_by_role("status")).to_contain_text("Invitation sent")
    gp_link, body = _email(live_server, sent, GP_EMAIL)
    assert "diary" not in body and "record audit" in body, body

    _stage(team, axe_check, "Start data collection")

    # The clinician joins, consents and enters two cases on the web, save and next.
    gp = new_page()
    _join(gp, gp_link)
    # The home page's first step is consent, then the audit: never a diary in a record audit.
    main = gp.get_by_role("main")
    expect(main).to_contain_text("Then you can enter your practice's cases")
    expect(main).not_to_contain_text("diary")
    gp.get_by_role("button", name="Read about the study and give your consent").click()
    _h1(gp, f"Taking part in {TITLE}")
    information = gp.locator(".nhsuk-inset-text")
    expect(information).to_contain_text("patient records")
    expect(information).not_to_contain_text("diary")
    axe_check(gp)
    gp.get_by_role("radio", name="Salaried GP").check()
    gp.get_by_role("checkbox", name=re.compile("agree to take part")).check()
    gp.get_by_role("button", name="Agree and continue").click()
    _h1(gp, TITLE)
    axe_check(gp)
    expect(gp.get_by_role("link", name=re.compile("Your practice's record audit"))).to_be_visible()
    gp.get_by_role("link", name="Home", exact=True).click()
    expect(gp.get_by_role("link", name=re.compile("diary", re.I))).to_have_count(0)
    axe_check(gp)
    gp.get_by_role("button", name="Enter your practice's cases").click()
    _h1(gp, "Your practice's record audit")
    expect(gp.locator("#progress")).to_contain_text("0 of 12")
    gp.get_by_role("link", name="Enter the first case").click()
    _h1(gp, "Case 1")
    _case(
        gp,
        age="65 to 79",
        sex="Female",
        reasons=["Monitoring of medication"],
        result="All normal",
        necessity="Necessary",
    )
    gp.get_by_role("button", name="Save and enter the next case").click()
    _h1(gp, "Case 2")
    expect(gp.get_by_role("status")).to_contain_text("Case 1 saved")
    _case(
        gp,
        age="18 to 39",
        sex="Male",
        reasons=["Investigation of symptoms", "The patient asked"],
        result="Borderline",
        necessity="Partly unnecessary",
    )
    gp.get_by_role("button", name="Save and return to the list").click()
    _h1(gp, "Your practice's record audit")
    expect(gp.locator("#progress")).to_contain_text("2 of 12")

    # ... and the other ten from a spreadsheet, twice: the second import changes nothing.
    for expected in ("10 cases added, 0 changed, 0 unchanged", "0 cases added, 0 changed, 10"):
        gp.get_by_role("link", name=re.compile("Import cases")).click()
        _h1(gp, "Import cases from a spreadsheet")
        gp.get_by_label(re.compile("CSV")).set_input_files(
            files=[{"name": "cases.csv", "mimeType": "text/csv", "buffer": CASES_CSV.encode()}]
        )
        gp.get_by_role("button", name="Import cases").click()
        expect(gp.get_by_role("status")).to_contain_text(expected)
    expect(gp.locator("#progress")).to_contain_text("12 of 12")
    axe_check(gp)
    gp.get_by_role("button", name="Submit 12 cases").click()
    expect(gp.get_by_role("status")).to_contain_text("submitted to the study team")
    expect(gp.get_by_role("link", name=re.compile("Continue with case"))).to_have_count(0)
    expect(gp.get_by_role("link", name=re.compile("Review case"))).to_have_count(0)  # own cases

    # The study team makes the lead the practice's second reviewer; the lead reviews blind.
    team.goto(f"/studies/{SLUG}")
    team.get_by_role("link", name=re.compile("^Record audit")).click()
    expect(team.get_by_role("row", name=re.compile(SURGERY))).to_contain_text("12 of 12")
    team.get_by_role("link", name=f"Change the second reviewer of {SURGERY}").click()
    _h1(team, "Second reviewer")
    team.get_by_label(re.compile("Lee Journey")).check()
    team.get_by_role("button", name="Save").click()
    expect(team.get_by_role("status")).to_contain_text("sample is reviewed by Lee Journey")

    lead.get_by_role("link", name="Home", exact=True).click()
    lead.get_by_role("main").get_by_role("link", name=SURGERY).click()
    lead.get_by_role("link", name=re.compile("Your practice's record audit")).click()
    expect(lead.locator("#progress")).to_contain_text("12 of 12 cases entered, submitted")
    lead.get_by_role("link", name="Review case 10").click()
    _h1(lead, "Case 10")
    expect(lead.locator(".nhsuk-summary-list")).not_to_contain_text("necessary")
    axe_check(lead)
    lead.get_by_label("Unnecessary", exact=True).check()
    lead.get_by_role("button", name="Save my review").click()
    expect(lead.get_by_role("status")).to_contain_text("Your review of case 10 is saved")

    # The study team closes collection, generates the report (a job) and releases it.
    _stage(team, axe_check, "Close collection and start analysis")
    team.get_by_role("link", name="Generate, review and release reports").click()
    team.get_by_role("button", name="Generate reports").click()
    expect(team.get_by_text(re.compile(r"^Generated 1 draft reports \(1 practice"))).to_be_visible()
    axe_check(team)
    team.get_by_role("link", name="Review the reports").click()
    _h1(team, "Reports")
    review = team.get_by_role("row", name=re.compile(SURGERY)).get_by_role("cell")
    expect(team.get_by_role("columnheader").nth(1)).to_have_text("Cases audited")
    expect(review.nth(1)).to_have_text("12")
    expect(review.nth(4)).to_have_text("0")  # no similar practice or peer group: nothing hidden
    axe_check(team)
    team.get_by_role("link", name=re.compile(r"^Release 1 reports?")).click()
    _h1(team, "Mark reports released")
    expect(team.get_by_text(re.compile(r"^Emails 1 reader a link"))).to_be_visible()
    sent = len(live_server.outbox)
    team.get_by_role("button", name=re.compile("^Confirm")).click()
    expect(team.get_by_text("The study is now at the stage: Reports released.")).to_be_visible()
    # The readers' emails are a job: the team follows it on its progress page.
    _h1(team, f"Emailing the readers of the {TITLE} reports")
    expect(team.locator("[data-field='status']")).to_have_text("Finished")
    expect(team.locator("[data-field='done']")).to_have_text("1")
    report_link, body = _email(live_server, sent, LEAD_EMAIL)
    assert "workload" not in body and "record audit" in body, body

    # The lead reads the released report from the emailed link.
    lead.goto(report_link)
    _h1(lead, f"Practice report: {TITLE}")
    reasons = lead.locator("table").filter(has_text="Why were the tests requested?").first
    expect(reasons.get_by_role("columnheader", name="Network")).to_be_visible()
    expect(reasons.get_by_role("row", name=re.compile("^Cases answering"))).to_contain_text("12")
    expect(lead.get_by_role("img", name="Why were the tests requested?")).to_be_visible()
    axe_check(lead)

    # The uptake survey opens: wave 1 from yesterday, invitations to the lead.
    _stage(team, axe_check, "Open the uptake survey")
    team.get_by_role("link", name="Uptake survey and uptake statistics").click()
    team.get_by_role("link", name="Change dates of wave 1").click()
    _h1(team, "Dates of wave 1")
    team.get_by_label("Opens on").fill((today - timedelta(days=1)).isoformat())
    team.get_by_label("Closes on").fill((today + timedelta(days=20)).isoformat())
    team.get_by_role("button", name="Save wave").click()
    sent = len(live_server.outbox)
    team.locator("tr[data-wave='1']").get_by_role(
        "button", name=re.compile("Send invitations")
    ).click()
    expect(team.get_by_text(re.compile(r"1 invitation email\(s\) sent for wave 1"))).to_be_visible()
    survey_link = _emailed_link(live_server, sent, LEAD_EMAIL)

    # The lead answers it.
    lead.goto(survey_link)
    _h1(lead, re.compile("PACT practice report"))
    axe_check(lead)
    discussed = lead.get_by_role("group", name=re.compile("discussed the PACT practice report"))
    discussed.get_by_label("Yes").check()
    lead.get_by_role("group", name=re.compile("Where was it discussed")).get_by_label(
        "Clinical meeting"
    ).check()
    used = lead.get_by_role("group", name=re.compile("quality improvement, education"))
    used.get_by_label("Yes").check()
    lead.get_by_label(re.compile("What change did you make")).fill("Stop routine repeat FBCs")
    lead.get_by_role("button", name="Submit answers").click()
    _h1(lead, "Uptake surveys")
    expect(lead.get_by_role("status")).to_contain_text("Thank you")
    lead.get_by_role("link", name=f"Back to {SURGERY}").click()
    lead.get_by_role("link", name=f"Read the practice report for {TITLE}").click()
    _h1(lead, f"Practice report: {TITLE}")

    # The study team reads and downloads the national tables and the uptake statistics.
    team.goto(f"/studies/{SLUG}")
    team.get_by_role("link", name=re.compile("^Record audit")).click()
    team.get_by_role("link", name="National tables and second-review agreement").click()
    _h1(team, "Record audit: national tables")
    expect(team.locator("#denominators")).to_contain_text("12 cases from 1 practices")
    expect(team.locator("#agreement + p")).to_contain_text("1 cases have been reviewed twice")
    results = team.locator("table").filter(has_text="What were the results?").first
    expect(results.get_by_role("row", name=re.compile(r"^All Abnormal"))).to_contain_text("3 / 12")
    axe_check(team)
    name, body = _download(team, "CSV")
    assert name == f"{SLUG}-audit-tables.csv"
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    header = "study,breakdown,group,question,choice,label,n,N,percent,ci_low,ci_high"
    assert ",".join(rows[0]) == header
    cells = {(r["breakdown"], r["group"], r["question"], r["choice"]): r for r in rows}
    abnormal = cells["all", "All", "result", "abnormal"]
    assert (abnormal["study"], abnormal["n"], abnormal["N"], abnormal["percent"]) == (
        SLUG,
        "3",
        "12",
        "25.0",
    )
    assert {r["group"] for r in rows if r["breakdown"] == "nation"} == {"Wales"}
    name, body = _download(team, "Excel, with data dictionary")
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    assert name == f"{SLUG}-audit-tables.xlsx"
    assert workbook.sheetnames == ["audit", "data_dictionary"]
    assert sum(1 for _ in workbook["audit"].iter_rows()) == len(rows) + 1

    team.goto(f"/studies/{SLUG}")
    team.get_by_role("link", name="Uptake survey and uptake statistics").click()
    team.get_by_role("link", name=re.compile(r"^Uptake statistics\W+wave 1")).click()
    _h1(team, "Uptake statistics, wave 1")
    expect(team.locator(".pact-headline").first).to_contain_text("100%")
    axe_check(team)
    name, body = _download(team, "CSV")
    assert name.endswith(".csv")
    uptake = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    headline = next(r for r in uptake if (r["table"], r["question"]) == ("headline", "discussed"))
    assert (headline["n_sent"], headline["n_responded"]) == ("1", "1")
    said_yes = next(
        r
        for r in uptake
        if (r["table"], r["question"], r["answer"]) == ("answers", "used_for_qi", "yes")
    )
    assert (said_yes["n"], said_yes["percent"]) == ("1", "100.0")
