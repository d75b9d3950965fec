"""Out of office, as pages: a rep says who stands in for them on which days, and ends it.

    GET  <prefix>/admin/away                    the delegations not yet over, and the form
    POST <prefix>/admin/away                    add one (CSRF-checked, as every write here)
    POST <prefix>/admin/away/<id>/end           end it now, or cancel it if not started

Whole days in UTC, as every time in the back office: away from the first day's 00:00 to
the end of the last day. The use cases in ``negotiation.approvals.absences`` decide who may do
what; a refusal comes back as the page with the message next to its field.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response  # what redirect() returns; flask's Response is one too

from ...access import STAFF, allow
from ...negotiation import NegotiationError
from ...negotiation.approvals import absences
from ..base import actor, deps, negotiation_admin

__all__ = ["away", "add_away", "end_away"]

_FIELDS = {"rep_id": "rep_id", "delegate_id": "delegate_id", "starts_at": "first_day", "ends_at": "last_day"}


@negotiation_admin.get("/admin/away")
@allow(*STAFF)
def away() -> str:
    return _page({})


@negotiation_admin.post("/admin/away")
@allow(*STAFF)
def add_away() -> Response | tuple[str, int]:
    form = request.form
    days, errors = _read_form(form)
    if days is None:
        return _page(form, errors), 422
    try:
        added = absences.add_delegation(deps(), actor(), form.get("delegate_id", ""), *days,
                                        rep_id=form.get("rep_id") or None)
    except NegotiationError as error:
        fields = {_FIELDS.get(k, k): " ".join(map(str, v)) for k, v in (error.fields or {}).items()}
        return _page(form, fields, error.message if not fields else None), error.status
    flash(f"{added.delegate_name} stands in for {added.rep_name} from "
          f"{added.starts_at:%d %b %Y} to the end of {_last_day(added.ends_at):%d %b %Y}.", "success")
    return redirect(url_for(".away"))


@negotiation_admin.post("/admin/away/<int:delegation_id>/end")
@allow(*STAFF)
def end_away(delegation_id: int) -> Response:
    ended = absences.end_delegation(deps(), actor(), delegation_id)
    what = "cancelled" if ended.status == absences.CANCELLED else "ended now"
    flash(f"{ended.delegate_name} standing in for {ended.rep_name}: {what}.", "success")
    return redirect(url_for(".away"))


def _read_form(form: Mapping[str, str]) -> tuple[tuple[datetime, datetime] | None, dict[str, str]]:
    """The (start, end) the form asks for, or None with a message per field."""
    errors: dict[str, str] = {}
    first, last = (_day(form, name, errors) for name in ("first_day", "last_day"))
    if first and last and last < first:
        errors["last_day"] = "The last day comes on or after the first."
    if not form.get("delegate_id"):
        errors["delegate_id"] = "Choose who stands in."
    if errors or first is None or last is None:
        return None, errors
    start = datetime.combine(first, time(0), tzinfo=UTC)
    return (start, datetime.combine(last + timedelta(days=1), time(0), tzinfo=UTC)), {}


def _day(form: Mapping[str, str], name: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat((form.get(name) or "").strip())
    except ValueError:
        errors[name] = "Give a date, as YYYY-MM-DD."
        return None


def _last_day(ends_at: datetime) -> date:
    return (ends_at - timedelta(microseconds=1)).date()


def _page(values: Mapping[str, str], errors: Mapping[str, str] | None = None,
          problem: str | None = None) -> str:
    shop, caller = deps(), actor()
    return render_template(
        "counteroffer_admin/away.html", delegations=absences.list_delegations(shop, caller),
        choices=absences.delegation_choices(shop, caller), values=values, errors=errors or {},
        problem=problem, last_day=_last_day, today=shop.clock().date())
