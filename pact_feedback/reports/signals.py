"""What reports announce to the features above them (connected in `pact_feedback.create_app`)."""

from blinker import Namespace

_signals = Namespace()

# Sent inside the releasing transaction, before it commits: the uptake survey dates its waves
# from the first release (no page has to notice it later, on a GET).
reports_released = _signals.signal("reports-released")
