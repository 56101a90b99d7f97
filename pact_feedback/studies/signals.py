"""What a study announces to the features above it. Studies sit below the diary and surveys, so
they cannot call them; each feature subscribes in the application factory, where the link is
visible (`pact_feedback.create_app`)."""

from blinker import Namespace

_signals = Namespace()

# Sent inside the creating transaction, before it commits, with `by=` the user creating it:
# subscribers add what a new study needs (its diary taxonomy, its uptake survey) to the session.
study_created = _signals.signal("study-created")

# Sent inside the enrolling transaction when practices are recorded as sent a report produced
# elsewhere (`report_sent_on`): the uptake survey dates its waves from it.
reports_sent_elsewhere = _signals.signal("reports-sent-elsewhere")
