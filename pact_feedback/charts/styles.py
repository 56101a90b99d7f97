"""One colour, one meaning: each series kind has a fixed fill and pattern in every chart.

A reader who learns "solid blue is us" in one chart must never find blue meaning something
else in the next. Patterns make the kinds tell apart in greyscale print and for readers who do
not see colour differences; the legend names each one.
"""

from dataclasses import dataclass

from markupsafe import Markup


@dataclass(frozen=True)
class Style:
    key: str
    fill: str
    pattern: str  # solid, diagonal, dots, horizontal, vertical


# What a report compares. The reader's own figures (their practice, or themselves) are always
# solid NHS blue; the network (or a role's network median) always grey with horizontal lines.
OWN = Style("own", "#005eb8", "solid")
SIMILAR = Style("similar", "#330072", "diagonal")
PEER_GROUP = Style("peer", "#7c2855", "dots")
NETWORK = Style("network", "#425563", "horizontal")
# The reader's practice beside their own figures (a clinician's private summary).
PRACTICE = Style("practice", "#00703c", "vertical")
REPORT_STYLES = {s.key: s for s in (OWN, SIMILAR, PEER_GROUP, NETWORK, PRACTICE)}

# Series without a fixed meaning (diary days, survey questions): one dark colour that no report
# kind uses, told apart by pattern alone.
SEQUENCE = tuple(
    Style(f"seq{i}", "#003087", pattern)
    for i, pattern in enumerate(("solid", "diagonal", "dots", "vertical"), start=1)
)


def pattern_def(style: Style, pattern_id: str) -> str:
    """An SVG <pattern> filling with the style's colour and white marks (none when solid)."""
    marks = {
        "solid": "",  # drawn as a plain fill where possible: tiles can show hairline seams
        "diagonal": (
            '<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#fff" stroke-width="1.4"/>'
        ),
        "dots": '<circle cx="3" cy="3" r="1.3" fill="#fff"/>',
        "horizontal": '<path d="M0,3 h6" stroke="#fff" stroke-width="1.4"/>',
        "vertical": '<path d="M3,0 v6" stroke="#fff" stroke-width="1.4"/>',
    }[style.pattern]
    return (
        f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{style.fill}"/>{marks}</pattern>'
    )


def swatch(style: Style, pattern_id: str) -> Markup:
    """A legend key: the style's fill and pattern in a small outlined box."""
    solid = style.pattern == "solid"
    defs = "" if solid else f"<defs>{pattern_def(style, pattern_id)}</defs>"
    fill = style.fill if solid else f"url(#{pattern_id})"
    return Markup(  # noqa: S704  (no text from outside)  # nosec B704
        f'<svg class="pact-chart__swatch" width="28" height="14" aria-hidden="true" '
        f'focusable="false">{defs}<rect x="0.5" y="0.5" width="27" height="13" fill="{fill}" '
        f'stroke="{style.fill}"/></svg>'
    )
