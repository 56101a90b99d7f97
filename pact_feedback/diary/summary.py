"""A participant's own summary for a study round: time per day by group and by category."""

from pact_feedback.charts.bars import Series, bar_chart
from pact_feedback.charts.styles import SEQUENCE
from pact_feedback.diary import queries
from pact_feedback.diary.taxonomy import GROUP_LABELS


def summary_context(study, user) -> dict:
    days = queries.days_for(study, user)
    categories = queries.categories_for(study, include_retired=True)
    figures = {day.id: queries.day_figures(day) for day in days}
    used = [c for c in categories if any(c.code in figures[d.id]["by_category"] for d in days)]
    if len(days) <= len(SEQUENCE):
        series_days = [(f"{d.date:%-d %B}", [d]) for d in days]
    else:  # more days than the chart can tell apart: show the mean day
        series_days = [("Average day", days)]

    def series(key, codes):
        return [
            Series(
                name,
                {
                    code: round(sum(figures[d.id][key].get(code, 0) for d in group) / len(group))
                    for code in codes
                },
            )
            for name, group in series_days
        ]

    group_rows = [(g, f"{g} {label}") for g, label in GROUP_LABELS.items()]
    category_rows = [(c.code, f"{c.code} {c.label}") for c in used]
    charts = []
    if days:
        charts.append(
            bar_chart(
                "Your time by group",
                "Minutes you recorded in each group of tasks, for each of your diary days.",
                group_rows,
                series("by_group", GROUP_LABELS),
                unit="min",
            )
        )
        if category_rows:
            charts.append(
                bar_chart(
                    "Your time by task category",
                    "Minutes you recorded in each task category, for each of your diary days.",
                    category_rows,
                    series("by_category", [c.code for c in used]),
                    unit="min",
                )
            )
    return {
        "days": days,
        "figures": figures,
        "used": used,
        "group_rows": group_rows,
        "charts": charts,
        "hours_minutes": queries.hours_minutes,
    }
