"""Quality improvement in a real browser: the demo run chart, starting a project from an
outline, a PDSA cycle with a stage error, and axe on every page visited."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import LEAD


def test_lead_views_the_demo_run_chart_and_starts_a_project(signed_in_page, axe_check):
    page = signed_in_page(LEAD)
    page.goto("/")
    page.get_by_role("link", name="Your quality improvement projects").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your quality improvement projects")
    axe_check(page)
    page.get_by_role("link", name=re.compile("^Quality improvement projects at ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality improvement projects")
    axe_check(page)

    page.get_by_role(
        "link", name="Reduce GP time on correspondence by redirecting letters", exact=True
    ).click()
    chart = page.locator("svg.qi-chart").first
    expect(chart).to_be_visible()
    assert chart.locator(".qi-point--shift").count() >= 6
    assert chart.locator(".qi-pdsa").count() == 2
    expect(page.locator("figcaption").first).to_contain_text("Shift:")
    axe_check(page)
    pdf = page.request.get(
        page.get_by_role("link", name="Download summary (PDF)").get_attribute("href")
    )
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    page.get_by_role("link", name=re.compile("^Record values")).first.click()
    page.get_by_role("textbox", name="Date").fill("2026-01-05")
    page.get_by_role("textbox", name="Value").fill("about forty")
    page.get_by_role("button", name="Record value").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the value as a number")
    expect(page.get_by_role("textbox", name="Value")).to_have_value("about forty")
    axe_check(page)
    page.get_by_role("link", name=re.compile("^Back to ")).click()

    page.get_by_role("link", name="Back to projects").click()
    page.get_by_role("link", name=re.compile("Use this outline.*Estimate our hidden")).click()
    expect(page.get_by_label("Project title")).to_have_value(
        "Estimate our hidden workload, then compare"
    )
    axe_check(page)
    page.get_by_role("button", name="Start project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Estimate our hidden workload, then compare"
    )
    axe_check(page)

    page.get_by_role("link", name="Update cycle 1").click()
    page.get_by_label("Study: what did the results show?").fill("Estimates were low")
    page.get_by_role("button", name="Save cycle").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    expect(page.get_by_label("Study: what did the results show?")).to_have_value(
        "Estimates were low"
    )
    axe_check(page)
