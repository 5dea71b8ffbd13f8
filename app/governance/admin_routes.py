"""Thin views for admins: retention periods, legal holds, sensitive-content patterns, and information
requests (subject access for a named person, erasure, disclosure exports)."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import ValidationError
from app.extensions import db
from app.governance import bp, erasure, exports, holds, patterns, registry, retention, sensitive
from app.governance.retention_job import run_retention
from app.models import LegalHold
from app.permissions import access


def _render_retention(errors: dict | None = None, form=None):
    return render_template(
        "governance/retention.html",
        kinds=list(registry.RETENTION.values()),
        rules=retention.rules(),
        preview=retention.preview(),
        describe=retention.describe,
        errors=errors or {},
        form=form,
        last_runs=retention.recent_runs(),
    ), 422 if errors else 200


@bp.route("/admin/retention", methods=["GET", "POST"])
@access("admin")
def retention_rules():
    """How long each kind of record is kept, and what expiry does; what a run would change now."""
    if request.method == "POST":
        try:
            changed = retention.set_rules(current_user, request.form)
        except ValidationError as exc:
            return _render_retention(exc.fields, request.form)
        db.session.commit()
        flash("Retention periods saved." if changed else "Nothing changed.", "success")
        return redirect(url_for("governance.retention_rules"))
    return _render_retention()


@bp.route("/admin/retention/run", methods=["POST"])
@access("admin")
def run_now():
    """Apply the retention periods now (as the nightly job does), and record the run."""
    results = run_retention(current_user, trigger="admin")
    total = sum(n for counts in results.values() for key, n in counts.items() if key != "kept_by_hold")
    flash(
        f"Retention applied: {total:,} records removed or anonymised. The run is in the audit log.", "success"
    )
    return redirect(url_for("governance.retention_rules"))


def _render_holds(errors: dict | None = None, form=None, lift_errors: dict | None = None):
    return render_template(
        "governance/holds.html",
        active=holds.active_holds(),
        lifted=holds.lifted_holds(),
        communities=holds.community_choices(),
        one_day=timedelta(days=1),
        errors=errors or {},
        lift_errors=lift_errors or {},
        form=form,
    ), 422 if errors or lift_errors else 200


@bp.route("/admin/holds", methods=["GET", "POST"])
@access("admin")
def legal_holds():
    """Legal holds in place and lifted, and placing a new one."""
    if request.method == "POST":
        try:
            holds.create_hold(
                current_user,
                person=request.form.get("person", ""),
                community_id=request.form.get("community_id"),
                starts_on=request.form.get("starts_on", ""),
                ends_on=request.form.get("ends_on", ""),
                reason=request.form.get("reason", ""),
            )
        except ValidationError as exc:
            return _render_holds(exc.fields, request.form)
        db.session.commit()
        flash(
            "Legal hold placed: nothing it covers will be removed or anonymised until it is lifted.",
            "success",
        )
        return redirect(url_for("governance.legal_holds"))
    return _render_holds()


@bp.route("/admin/holds/<int:hold_id>/lift", methods=["POST"])
@access("admin")
def lift_hold(hold_id: int):
    """Lift a hold, with a reason."""
    if db.session.get(LegalHold, hold_id) is None:
        return _render_holds({"form": "That hold doesn't exist."})
    try:
        holds.lift_hold(current_user, hold_id, request.form.get("lift_reason", ""))
    except ValidationError as exc:
        if "form" in exc.fields:
            return _render_holds(exc.fields)
        return _render_holds(lift_errors=exc.fields, form=request.form)
    db.session.commit()
    flash("Legal hold lifted. Retention periods apply again to what it covered.", "success")
    return redirect(url_for("governance.legal_holds"))


def _render_sensitive(errors: dict | None = None, form=None):
    stored = sensitive.current_form()
    disabled = set(stored["sensitive_disabled"].split(","))
    return render_template(
        "governance/sensitive.html",
        patterns=patterns.PATTERNS,
        enabled=set(form.getlist("enabled"))
        if form
        else {p.key for p in patterns.PATTERNS if p.key not in disabled},
        stored=stored,
        org_domains=sensitive.pattern_settings(stored).email_domains,
        confirmations=sensitive.recent_confirmations(),
        pattern_label=sensitive.pattern_label,
        errors=errors or {},
        form=form,
    ), 422 if errors else 200


@bp.route("/admin/sensitive", methods=["GET", "POST"])
@access("admin")
def sensitive_patterns():
    """Which patterns raise the sensitive-content warning, and the confirmations authors gave."""
    if request.method == "POST":
        values = {
            key: request.form.get(key, "")
            for key in ("reference_formats", "phrases", "email_domains", "markings")
        }
        values["enabled"] = request.form.getlist("enabled")
        try:
            sensitive.update_settings(current_user, values)
        except ValidationError as exc:
            return _render_sensitive(exc.fields, request.form)
        db.session.commit()
        flash("Sensitive-content settings saved.", "success")
        return redirect(url_for("governance.sensitive_patterns"))
    return _render_sensitive()


def _render_requests(errors: dict | None = None, form=None, which: str = ""):
    return render_template(
        "governance/requests.html",
        communities=holds.community_choices(),
        exports=exports.my_exports(current_user),
        errors=errors or {},
        form=form,
        which=which,
    ), 422 if errors else 200


@bp.route("/admin/requests")
@access("admin")
def information_requests():
    """Subject access for a named person, erasure, and disclosure exports."""
    return _render_requests()


@bp.route("/admin/requests/subject-access", methods=["POST"])
@access("admin")
def subject_access():
    """Download everything Rollcall holds about a named person (audited)."""
    try:
        person = holds.find_person(request.form.get("person"), "person")
        if person is None:
            raise ValidationError({"person": "Enter the person's work email or @handle."})
        export = exports.request_subject_access(current_user, person, request.form.get("reference", ""))
    except ValidationError as exc:
        return _render_requests(exc.fields, request.form, "subject_access")
    db.session.commit()
    flash(_ready_message(export), "success")
    return redirect(url_for("governance.information_requests"))


@bp.route("/admin/requests/disclosure", methods=["POST"])
@access("admin")
def disclosure():
    """Export a community's content over a date range (audited)."""
    try:
        export = exports.request_disclosure(
            current_user,
            request.form.get("community_id"),
            request.form.get("starts_on", ""),
            request.form.get("ends_on", ""),
            request.form.get("reference", ""),
        )
    except ValidationError as exc:
        return _render_requests(exc.fields, request.form, "disclosure")
    db.session.commit()
    flash(_ready_message(export), "success")
    return redirect(url_for("governance.information_requests"))


@bp.route("/admin/requests/erasure", methods=["POST"])
@access("admin")
def erase():
    """Carry out an erasure request (audited; refused while a legal hold covers the person)."""
    try:
        person = holds.find_person(request.form.get("person"), "person")
        if person is None:
            raise ValidationError({"person": "Enter the person's work email or @handle."})
        erasure.erase_person(
            current_user, person, request.form.get("reason", ""), request.form.get("confirm") == "1"
        )
    except ValidationError as exc:
        db.session.rollback()
        return _render_requests(exc.fields, request.form, "erasure")
    db.session.commit()
    flash("Erased. Their content now shows as “Former member (erased)”; the audit log records it.", "success")
    return redirect(url_for("governance.information_requests"))


def _ready_message(export) -> str:
    if export.status == "ready":
        return "The export is ready: download it below (only you can)."
    return "The export is being prepared by the job runner; you'll get a notification when it's ready."
