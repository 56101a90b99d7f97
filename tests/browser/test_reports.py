"""Released reports in a real browser: the pilot round in the demo data, with axe on each page."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import GP, LEAD, TEAM

# Text smaller than this, or a page wider than the screen, fails the narrow-screen test.
NARROW, SMALLEST_TEXT_PX = 320, 12
MEASURE = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    if (!node.textContent.trim() || !element.getClientRects().length) continue;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || element.closest(".nhsuk-u-visually-hidden")) continue;
    // An SVG's text is scaled with its drawing: measure what is drawn, not what is declared.
    const scale = element instanceof SVGGraphicsElement ? element.getScreenCTM().a : 1;
    const drawn = parseFloat(style.fontSize) * scale;
    const text = node.textContent.trim().slice(0, 30);
    if (drawn < SMALLEST) small.push(`${text}: ${drawn.toFixed(1)}px`);
  }
  return {width: document.documentElement.scrollWidth, small: small.slice(0, 10)};
}""".replace("SMALLEST", str(SMALLEST_TEXT_PX))

PILOT = "hidden-workload-pilot"


def test_lead_reads_the_practice_report_and_its_charts(signed_in_page, axe_check):
    page = signed_in_page(LEAD)
    page.goto("/")
    page.locator("main a[href^='/practices/']").first.click()  # the practice they lead
    # The workload diary's report (the practice also has a Why Test record-audit report).
    page.get_by_role("link", name=re.compile("Read the practice report for (?!Why Test)")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Practice report"))
    expect(page.get_by_role("heading", name="How to read this report")).to_be_visible()
    # Each chart has a text alternative and a table with the same numbers.
    expect(page.locator(".pact-chart figcaption").first).to_have_text(re.compile("Minutes per"))
    expect(page.get_by_role("table").first).to_be_visible()
    axe_check(page)


def test_participant_reads_a_private_report_and_chooses_to_share(signed_in_page, axe_check):
    page = signed_in_page(GP)
    page.goto(f"/take-part/{PILOT}")
    page.get_by_role("link", name="Read your private report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("Your workload diary report")
    )
    axe_check(page)

    page.goto(f"/take-part/{PILOT}/report")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your report")
    axe_check(page)
    page.get_by_label("No, keep my report private").check()
    page.get_by_role("button", name="Save my choice").click()
    expect(page.get_by_text("Your report is private to you.").first).to_be_visible()
    page.get_by_label("Yes, my practice lead can read my report").check()
    page.get_by_role("button", name="Save my choice").click()
    expect(page.get_by_text("Your practice lead can now read your report.")).to_be_visible()
    axe_check(page)


def test_team_reviews_the_released_round(signed_in_page, axe_check):
    page = signed_in_page(TEAM)
    page.goto(f"/studies/{PILOT}")
    page.get_by_role("link", name="Generate, review and release reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    expect(page.get_by_role("heading", name="Re-issue")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Re-issue reports").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    axe_check(page)


def _narrow_check(page, axe_check):
    measured = page.evaluate(MEASURE)
    assert measured["width"] <= NARROW, f"{page.url} scrolls sideways: {measured['width']}px"
    assert not measured["small"], f"{page.url} has text under {SMALLEST_TEXT_PX}px: {measured}"
    axe_check(page)


def test_report_pages_fit_a_320px_screen(signed_in_page, axe_check):
    """Every report page at 320 CSS px: no sideways scrolling, chart and table text >= 12 px."""
    lead = signed_in_page(LEAD)
    lead.set_viewport_size({"width": NARROW, "height": 700})
    lead.goto("/")
    lead.locator("main a[href^='/practices/']").first.click()
    expect(lead.get_by_role("heading", level=1)).to_be_visible()
    _narrow_check(lead, axe_check)  # the practice page, with its shared reports
    practice_page = lead.url
    lead.get_by_role("link", name=re.compile("Read the practice report")).first.click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(re.compile("Practice report"))
    _narrow_check(lead, axe_check)
    lead.goto(practice_page)
    lead.get_by_role("link", name=re.compile("diary report")).first.click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(re.compile("shared with you on"))
    _narrow_check(lead, axe_check)

    gp = signed_in_page(GP)
    gp.set_viewport_size({"width": NARROW, "height": 700})
    for path in (f"/take-part/{PILOT}/report",):
        gp.goto(path)
        expect(gp.get_by_role("heading", level=1)).to_have_text("Your report")
        _narrow_check(gp, axe_check)
    gp.get_by_role("link", name="Read your report").click()
    expect(gp.get_by_role("heading", level=1)).to_have_text(re.compile("Your workload diary"))
    _narrow_check(gp, axe_check)

    team = signed_in_page(TEAM)
    team.set_viewport_size({"width": NARROW, "height": 700})
    team.goto(f"/studies/{PILOT}/reports")
    expect(team.get_by_role("heading", level=1)).to_have_text("Reports")
    _narrow_check(team, axe_check)
