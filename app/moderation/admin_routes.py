"""Thin views for keeping moderation running: explanation templates, pre-moderation and the audit log."""

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user

from app.errors import ValidationError
from app.extensions import db
from app.forms import parse_id
from app.models import INTENTS
from app.moderation import audit_log, bp, explanations, labels, premoderation
from app.permissions import access, is_admin
from app.policy.services import current_version


def _clause_choices() -> list[tuple[str, str]]:
    version = current_version()
    return [(c.key, c.label) for c in version.clauses] if version else []


def _render_templates(errors: dict | None = None, form=None, editing=None, status: int = 200):
    return render_template(
        "moderation/templates.html",
        templates=explanations.templates(include_archived=True),
        clause_choices=_clause_choices(),
        intents=INTENTS,
        errors=errors or {},
        form=form or {},
        editing=editing,
        labels=labels,
    ), status


@bp.route("/moderation/templates", methods=["GET", "POST"])
@access("moderator")
def templates():
    """Explanation templates: add one, or see them all."""
    if request.method == "POST":
        form = request.form
        try:
            explanations.save_template(
                current_user,
                None,
                form.get("clause_key", ""),
                form.get("intent", ""),
                form.get("title", ""),
                form.get("body", ""),
            )
        except ValidationError as exc:
            return _render_templates(exc.fields, form, status=422)
        db.session.commit()
        flash("Template added.", "success")
        return redirect(url_for("moderation.templates"))
    return _render_templates()


@bp.route("/moderation/templates/<int:template_id>", methods=["GET", "POST"])
@access("moderator")
def edit_template(template_id: int):
    """Edit a template; decisions that used it keep the text they were sent with."""
    template = explanations.get_template(template_id)
    if request.method == "POST":
        form = request.form
        try:
            explanations.save_template(
                current_user,
                template,
                form.get("clause_key", ""),
                form.get("intent", ""),
                form.get("title", ""),
                form.get("body", ""),
            )
        except ValidationError as exc:
            return _render_templates(exc.fields, form, template, 422)
        db.session.commit()
        flash("Template saved.", "success")
        return redirect(url_for("moderation.templates"))
    form = {
        "clause_key": template.clause_key or "",
        "intent": template.intent or "",
        "title": template.title,
        "body": template.body,
    }
    return _render_templates(form=form, editing=template)


@bp.route("/moderation/templates/<int:template_id>/archive", methods=["POST"])
@access("moderator")
def archive_template(template_id: int):
    """Retire a template, or bring it back."""
    template = explanations.get_template(template_id)
    archived = request.form.get("archived") == "1"
    explanations.set_archived(current_user, template, archived)
    db.session.commit()
    flash("Template retired." if archived else "Template restored.", "success")
    return redirect(url_for("moderation.templates"))


@bp.route("/moderation/templates/suggested", methods=["POST"])
@access("moderator")
def suggested_templates():
    """Start from the suggested templates."""
    count = explanations.install_suggested(current_user)
    db.session.commit()
    flash(f"{count} suggested templates added. Edit them to sound like your organisation.", "success")
    return redirect(url_for("moderation.templates"))


def _render_settings(errors: dict | None = None, words_text: str | None = None, status: int = 200):
    return render_template(
        "moderation/settings.html",
        communities=premoderation.choosable_communities(current_user),
        words_text="\n".join(premoderation.watched_words()) if words_text is None else words_text,
        errors=errors or {},
        can_edit_words=is_admin(current_user),
    ), status


@bp.route("/moderation/settings", methods=["GET", "POST"])
@access("moderator")
def settings():
    """Pre-moderation: which communities wait for a moderator, and the watched words (admins)."""
    if request.method == "POST":
        what = request.form.get("what")
        try:
            if what == "words":
                premoderation.set_watched_words(current_user, request.form.get("words", ""))
            else:
                ids = [i for i in (parse_id(v) for v in request.form.getlist("community")) if i]
                premoderation.set_premoderated(current_user, ids)
        except ValidationError as exc:
            return _render_settings(exc.fields, request.form.get("words", ""), 422)
        db.session.commit()
        flash("Watched words saved." if what == "words" else "Pre-moderated communities saved.", "success")
        return redirect(url_for("moderation.settings"))
    return _render_settings()


def _filters(source) -> audit_log.AuditFilters:
    return audit_log.AuditFilters(
        action=(source.get("action") or "").strip(),
        actor=(source.get("actor") or "").strip(),
        date_from=(source.get("date_from") or "").strip(),
        date_to=(source.get("date_to") or "").strip(),
    )


@bp.route("/moderation/audit")
@access("moderator")
def audit():
    """Every moderation and admin action: who, what, when and why, newest first."""
    filters = _filters(request.args)
    errors: dict[str, str] = {}
    entries, next_cursor = [], None
    try:
        entries, next_cursor = audit_log.page(audit_log.filtered(filters), request.args.get("cursor"))
    except ValidationError as exc:
        errors = exc.fields
    return render_template(
        "moderation/audit.html",
        entries=entries,
        next_cursor=next_cursor,
        filters=filters,
        errors=errors,
        actions=audit_log.action_choices(),
        actors=audit_log.actor_choices(),
    ), 422 if errors else 200


@bp.route("/moderation/audit.csv", methods=["POST"])
@access("moderator")
def audit_export():
    """Download the audit log (with the page's filters) as CSV; the export is audited too."""
    try:
        lines = audit_log.export(current_user, _filters(request.form))
    except ValidationError:
        flash("Those filters can't be used. Please check them.", "error")
        return redirect(url_for("moderation.audit"))
    db.session.commit()
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
