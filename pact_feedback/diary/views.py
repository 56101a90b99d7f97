"""A participant's diary pages. Only the participant reaches their days: for anyone else a day
does not exist (404). Every form works without JavaScript; `static/js/diary.js` enhances the
add-entry form by asking for JSON (Accept: application/json) instead of a redirect."""

import uuid

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from pact_feedback.accounts.access import require
from pact_feedback.core.render import form_page
from pact_feedback.core.time import today
from pact_feedback.diary import actions, offline, queries, validation
from pact_feedback.diary.forms import ConfirmForm, DayForm, EntryForm, PlanForm, WeekdaysForm
from pact_feedback.diary.models import DiaryAllocation, DiaryPreference
from pact_feedback.diary.summary import summary_context
from pact_feedback.diary.taxonomy import GROUP_LABELS
from pact_feedback.extensions import db
from pact_feedback.participation.access import my_participation
from pact_feedback.participation.actions import current_consent
from pact_feedback.participation.standing import diary_gate

bp = Blueprint("diary", __name__, url_prefix="/take-part/<slug>/diary")
bp.before_request(diary_gate)  # only a participant whose standing keeps a diary gets in
bp.add_url_rule("/sw.js", view_func=offline.service_worker)
bp.add_url_rule("/manifest.webmanifest", view_func=offline.manifest)
bp.after_app_request(offline.forget_this_device_on_sign_out)


@bp.context_processor
def _labels():
    return {"WHO_COULD_LABELS": validation.WHO_COULD_LABELS}


def next_step(membership) -> dict | None:
    """The home page's first action for a participant (home/views.py): consent first, then
    today's diary day (continue it, or open it) while the study collects; None when there is
    nothing to do."""
    study = membership.study
    if not _consented(membership):
        return {
            "text": "Read about the study and give your consent",
            "href": url_for("participation.consent", slug=study.slug),
            "first": True,
            "then": "Then you can keep your diary.",
        }
    if queries.day_locked(study):
        return None
    days = queries.days_for(study, membership.user)
    todays = next((d for d in days if d.date == today()), None)
    if todays is not None:
        return {
            "text": "Continue today's diary",
            "href": url_for("diary.day", slug=study.slug, day_id=todays.id),
        }
    return {"text": "Start today's diary", "href": url_for("diary.new_day", slug=study.slug)}


def _consented(membership) -> bool:
    return current_consent(membership) is not None


def _day(study, day_id: int):
    day = queries.own_day(study, current_user, day_id)
    require(day is not None, hide=True)
    return day


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _entry_rules(day, editing=None) -> dict:
    allowed = {c.id for c in queries.categories_for(day.study)}
    if editing is not None:
        allowed.add(editing.category_id)  # a retired category stays valid for its entries
    return {
        "allowed_category_ids": allowed,
        "others": (
            queries.timed_entries(day)
            if editing is not None
            else queries.entries_to_check_new_entry_against(day)
        ),
        "editing_id": editing.id if editing else None,
    }


def _own_entry(slug: str, day_id: int, entry_id: int):
    """(study, day, entry) when the entry is in one of the signed-in participant's days."""
    study, _ = my_participation(slug)
    day = _day(study, day_id)
    entry = queries.own_entry(day, entry_id)
    require(entry is not None, hide=True)
    return study, day, entry


def _writable_day(slug: str, day_id: int):
    """(study, day) for a change to one of the signed-in participant's days: 404 when the day
    is not theirs, the lock's answer when the study no longer takes changes."""
    study, _ = my_participation(slug)
    day = _day(study, day_id)
    _stop_if_locked(study, day)
    return study, day


def _stop_if_locked(study, day=None) -> None:
    """Answer with `_refuse_if_locked`'s response (ending the view) when the diary is locked."""
    refused = _refuse_if_locked(study, day)
    if refused is not None:
        abort(make_response(refused))


def _refuse_if_locked(study, day=None):
    reason = queries.day_locked(study)
    if reason:
        if _wants_json():
            return jsonify({"locked": reason}), 409
        flash(reason, "info")
        if day is not None:
            return redirect(url_for("diary.day", slug=study.slug, day_id=day.id))
        return redirect(url_for("diary.index", slug=study.slug))
    return None


def _day_context(study, day, form=None, **extra) -> dict:
    categories = queries.categories_for(study)
    if form is None:
        form = EntryForm(formdata=None)
        form.client_id.data = str(uuid.uuid4())  # a double click without JavaScript: one task
    form.set_categories(categories)
    return {
        "study": study,
        "day": day,
        "form": form,
        "groups": queries.categories_by_group(categories),
        "figures": queries.day_figures(day),
        "locked": queries.day_locked(study),
        "group_labels": GROUP_LABELS,
        "hours_minutes": queries.hours_minutes,
        "confirm": ConfirmForm(),
        "last_entry": max(day.entries, key=lambda e: (e.created_at, e.id), default=None),
        "repeat_client_id": str(uuid.uuid4()),  # "Repeat last task" pressed twice: one task
        "recent": queries.recent_categories(study, current_user, categories),
        "note_rules": validation.note_rules_for_browser(),
        **extra,
    }


@bp.route("/")
@login_required
def index(slug):
    study, membership = my_participation(slug)
    days = queries.days_for(study, current_user)
    allocations = db.session.scalars(
        db.select(DiaryAllocation)
        .filter_by(study_id=study.id, user_id=current_user.id)
        .order_by(DiaryAllocation.date)
    ).all()
    opened = {d.date for d in days}
    return render_template(
        "diary/index.html",
        study=study,
        membership=membership,
        days=days,
        upcoming=[a for a in allocations if a.date not in opened],
        locked=queries.day_locked(study),
        completed=sum(1 for d in days if d.complete),
        hours_minutes=queries.hours_minutes,
        figures={d.id: queries.day_figures(d) for d in days},
    )


@bp.route("/today")
@login_required
def open_today(slug):
    """Where the installed diary opens: today's day, or the form to open it (or consent)."""
    _, membership = my_participation(slug)
    step = next_step(membership)
    return redirect(step["href"] if step else url_for("diary.index", slug=slug))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_day(slug):
    study, membership = my_participation(slug)
    _stop_if_locked(study)
    form = DayForm(staff_role=membership.staff_role)
    if request.method == "GET" and not form.date.data:
        form.date.data = _suggested_date(study)
    if request.method == "POST":
        checked = form.check(**queries.day_rules(study, current_user))
        if checked:
            day = actions.open_day(membership, checked.values, by=current_user)
            flash("Your diary day is open. Add each task as you go.", "success")
            return redirect(url_for("diary.day", slug=slug, day_id=day.id))
    return form_page("diary/day_form.html", form, study=study, day=None)


def _suggested_date(study):
    day = today()
    if study.collection_start and study.collection_end:
        if day > study.collection_end:
            return study.collection_end
        if day < study.collection_start:
            return None
    return day


@bp.route("/<int:day_id>")
@login_required
def day(slug, day_id):
    study, _ = my_participation(slug)
    day = _day(study, day_id)
    response = make_response(render_template("diary/day.html", **_day_context(study, day)))
    # The service worker keeps this answer as the offline copy of the day (static/js/diary-sw.js)
    # rather than the page fetching itself a second time.
    response.headers["X-Pact-Offline-Copy"] = "day"
    return response


@bp.route("/<int:day_id>/edit", methods=["GET", "POST"])
@login_required
def edit_day(slug, day_id):
    study, day = _writable_day(slug, day_id)
    form = DayForm(obj=day)
    if request.method == "GET":
        form.typical.data = {True: "yes", False: "no"}.get(day.typical)
    if request.method == "POST":
        checked = form.check(**queries.day_rules(study, current_user, editing=day))
        if checked:
            actions.update_day(day, checked.values, by=current_user)
            flash("Your diary day details are saved.", "success")
            return redirect(url_for("diary.day", slug=slug, day_id=day.id))
    return form_page("diary/day_form.html", form, study=study, day=day)


@bp.route("/<int:day_id>/entries", methods=["POST"])
@login_required
def add_entry(slug, day_id):
    study, _ = my_participation(slug)
    day = _day(study, day_id)
    form = EntryForm()
    form.set_categories(queries.categories_for(study))
    client_id, fingerprint = _web_key(day, form.client_id.data)
    result = actions.create_entry(
        day=day,
        by=current_user,
        values={},
        allowed_category_ids={c.id for c in queries.categories_for(study)},
        client_id=client_id,
        fingerprint=fingerprint,
        check=form.check,
    )
    if result.outcome == "replayed":  # a resend of a saved entry (a double click, the queue)
        if result.entry.request_hash in (None, fingerprint):
            return _entry_saved(study, day, result.entry, [], created=False)
        return _entry_saved(
            study, day, result.entry, [CHANGES_NOT_SAVED], created=False, message="Already saved"
        )
    if result.outcome == "locked":
        return _refuse_if_locked(study, day)
    if result.outcome == "refused":
        if _wants_json():
            return jsonify({"errors": form.errors}), 422
        context = _day_context(study, day, form=form)
        return form_page(
            "diary/day.html", form, **{k: v for k, v in context.items() if k != "form"}
        )
    return _entry_saved(study, day, result.entry, result.checked.warnings)


def _web_key(day, sent_client_id) -> tuple[str | None, str]:
    """(client_id, fingerprint) for a web create. The page's key again is a resend (a double
    click, the offline queue) and is replayed, whatever its fields: the offline queue may send
    one task twice in two spellings, and a duplicate is worse than a lost edit (the page gives
    every new form a fresh key, so a new task always has its own)."""
    fields = {k: request.form.getlist(k) for k in request.form if k not in _NOT_THE_TASK}
    return _uuid_or_none(sent_client_id), actions.request_fingerprint(fields)


_NOT_THE_TASK = {"csrf_token", "client_id"}
# The page's key came back with other values (e.g. edited after going Back): the task it saved
# stays as it was, and the clinician is told rather than left thinking the change was saved.
CHANGES_NOT_SAVED = (
    "This form had already saved the task below, so your changes were not saved. "
    "To change the task, choose Change beside it"
)


def _uuid_or_none(value):
    """The page's own idempotency key if it is a UUID; otherwise the server makes one."""
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


def _entry_saved(study, day, entry, warnings, *, created=True, message="Task added"):
    if _wants_json():
        db.session.refresh(day)
        context = _day_context(study, day)
        return jsonify(
            {
                "id": entry.id,
                "created": created,
                "warnings": warnings,
                "message": message,
                "row_html": render_template("diary/_entry_row.html", entry=entry, **context),
                "figures_html": render_template("diary/_figures.html", **context),
                "repeat_html": render_template("diary/_repeat.html", **context),
                "tally_html": render_template("diary/_tally.html", **context),
            }
        ), (201 if created else 200)
    for warning in warnings:
        flash(warning, "info")
    flash(f"{message}: {entry.category.label}, {queries.hours_minutes(entry.minutes)}.", "success")
    return redirect(url_for("diary.day", slug=study.slug, day_id=day.id) + "#add-entry")


@bp.route("/<int:day_id>/repeat-last", methods=["POST"])
@login_required
def repeat_last(slug, day_id):
    study, day = _writable_day(slug, day_id)
    last = max(day.entries, key=lambda e: (e.created_at, e.id), default=None)
    if last is None:
        if _wants_json():
            return jsonify({"errors": {"category_id": ["There is no task to repeat yet"]}}), 422
        flash("There is no task to repeat yet. Add your first task below.", "info")
        return redirect(url_for("diary.day", slug=slug, day_id=day.id))
    values = actions.copy_values(last)
    values.update(started_at=None, ended_at=None, note=None, item_count=None)
    result = actions.create_entry(
        day=day,
        by=current_user,
        values=values,
        allowed_category_ids={c.id for c in queries.categories_for(study)} | {last.category_id},
        client_id=_uuid_or_none(request.form.get("client_id")),
    )
    if result.outcome == "replayed":  # the same button press sent twice
        return _entry_saved(study, day, result.entry, [], created=False, message="Task repeated")
    if result.outcome == "refused":
        message = " ".join(m for ms in result.checked.errors.values() for m in ms)
        if _wants_json():
            return jsonify({"errors": result.checked.errors}), 422
        flash(message, "info")
        return redirect(url_for("diary.day", slug=slug, day_id=day.id))
    return _entry_saved(study, day, result.entry, result.checked.warnings, message="Task repeated")


@bp.route("/<int:day_id>/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit_entry(slug, day_id, entry_id):
    study, day, entry = _own_entry(slug, day_id, entry_id)
    _stop_if_locked(study, day)
    categories = queries.categories_for(study)
    if entry.category not in categories:
        categories.append(entry.category)
    form = EntryForm()
    form.set_categories(categories)
    if request.method == "GET":
        form.fill(entry)
    else:
        checked = form.check(before=entry, **_entry_rules(day, editing=entry))
        if checked:
            actions.update_entry(entry, checked.values, by=current_user)
            for warning in checked.warnings:
                flash(warning, "info")
            flash("Task updated.", "success")
            return redirect(url_for("diary.day", slug=slug, day_id=day.id))
    return form_page(
        "diary/entry_edit.html",
        form,
        study=study,
        day=day,
        entry=entry,
        groups=queries.categories_by_group(categories),
    )


@bp.route("/<int:day_id>/entries/<int:entry_id>/delete", methods=["GET", "POST"])
@login_required
def delete_entry(slug, day_id, entry_id):
    study, day, entry = _own_entry(slug, day_id, entry_id)
    _stop_if_locked(study, day)
    form = ConfirmForm()
    if form.validate_on_submit():
        label = entry.category.label
        actions.delete_entry(entry, by=current_user)
        flash(f"Task deleted: {label}.", "success")
        return redirect(url_for("diary.day", slug=slug, day_id=day.id))
    return render_template(
        "diary/entry_delete.html",
        study=study,
        day=day,
        entry=entry,
        form=form,
        hours_minutes=queries.hours_minutes,
    )


@bp.route("/<int:day_id>/complete", methods=["POST"])
@login_required
def complete_day(slug, day_id):
    study, day = _writable_day(slug, day_id)
    if ConfirmForm().validate_on_submit():
        complete = request.form.get("complete", "yes") != "no"
        actions.set_complete(day, complete, by=current_user)
        flash(
            "Thank you. Your diary day is marked as complete."
            if complete
            else "Your diary day is open again.",
            "success",
        )
    return redirect(url_for("diary.day", slug=slug, day_id=day.id))


@bp.route("/summary")
@login_required
def summary(slug):
    study, _ = my_participation(slug)
    return render_template(
        "diary/summary.html", study=study, **summary_context(study, current_user)
    )


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings(slug):
    study, _ = my_participation(slug)
    preference = db.session.scalar(
        db.select(DiaryPreference).filter_by(study_id=study.id, user_id=current_user.id)
    )
    form = WeekdaysForm()
    if request.method == "GET":
        form.fill(preference.non_working_days if preference else [])
    elif form.validate_on_submit():
        actions.set_non_working_days(study, current_user, form.days(), by=current_user)
        flash("Thank you. We will not choose a diary day on the days you do not work.", "success")
        return redirect(url_for("diary.index", slug=slug))
    return form_page("diary/settings.html", form, study=study, plan=PlanForm(formdata=None))


@bp.route("/plan", methods=["POST"])
@login_required
def plan(slug):
    study, _ = my_participation(slug)
    _stop_if_locked(study)
    plan = PlanForm()
    if plan.validate_on_submit():
        errors = validation.planned_date_errors(
            plan.planned_date.data,
            start=study.collection_start,
            end=study.collection_end,
            today=today(),
        )
        if not errors:
            actions.plan_day(study, current_user, plan.planned_date.data, by=current_user)
            flash(
                f"Planned: {plan.planned_date.data:%A %-d %B %Y}. "
                "We will email you a reminder the day before.",
                "success",
            )
            return redirect(url_for("diary.index", slug=slug))
        plan.planned_date.errors = errors
    preference = db.session.scalar(
        db.select(DiaryPreference).filter_by(study_id=study.id, user_id=current_user.id)
    )
    form = WeekdaysForm(formdata=None)
    form.fill(preference.non_working_days if preference else [])
    return form_page("diary/settings.html", plan, study=study, plan=plan, weekdays=form)
