"""Open311 service requests: posting one (a ticket of channel open311) and reading them back.

Statuses map to open (still owed a reply or its closure) and closed (closed or visited);
`expected_datetime` is the reply deadline. Callers' personal data never appears; the description
is shown only for requests that came in through Open311 (citizens posted it for publication).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.auth import Principal
from fangkong.core.errors import DomainError
from fangkong.core.jurisdiction import parse_jurisdiction
from fangkong.core.permissions import HOTLINE_INTAKE, Actor, role_allows
from fangkong.core.tokens import find_token
from fangkong.hotline import intake
from fangkong.hotline.events import add_event
from fangkong.hotline.models import Department, Ticket
from fangkong.hotline.open311_format import Open311Error, iso, moment
from fangkong.hotline.open311_services import TEXT_MAX, answers, check_jurisdiction, service
from fangkong.hotline.topics import topics

REQUEST_ID = re.compile(r"[0-9]{1,9}")  # ASCII digits only ("²".isdigit() is true)
DEFAULT_SPAN = timedelta(days=90)  # the spec's default and widest span of GET requests
MAX_REQUESTS = 1000
CLOSED = ("closed", "visited")
ADDRESS_MAX, NAME_MAX, URL_MAX = 200, 50, 1000


@dataclass(frozen=True)
class PostedRequest:
    """The spec's fields of POST requests, as the client sent them (strings, empty when not sent)."""

    api_key: str
    service_code: str
    jurisdiction_id: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    description: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    media_url: str = ""


def actor_for(session: Session, api_key: str) -> Actor:
    found = find_token(session, api_key.strip()) if api_key.strip() else None
    if found is None:
        raise Open311Error(403, "api_key is missing or not valid")
    row, user = found
    if HOTLINE_INTAKE not in row.scopes or not role_allows(user.role, HOTLINE_INTAKE):
        raise Open311Error(403, "this api_key may not post service requests (scope hotline.intake)")
    principal = Principal(user=user, via="token", scopes=frozenset(row.scopes), token_id=row.id)
    return Actor(principal=principal, jurisdiction=parse_jurisdiction(user.jurisdiction_code))


def _coordinate(text: str, field: str, limit: int) -> str:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and -limit <= value <= limit):
        raise Open311Error(400, f"{field} {text!r}: a decimal degree between -{limit} and {limit}")
    return f"{value:.7f}".rstrip("0").rstrip(".")


def _location(posted: PostedRequest) -> tuple[str, str | None, str | None]:
    """(address, lat, long): lat and long together, or address_string, or address_id."""
    lat, long, address = posted.lat.strip(), posted.long.strip(), posted.address_string.strip()
    if bool(lat) != bool(long):
        raise Open311Error(400, "lat and long go together")
    if not (lat or address or posted.address_id.strip()):
        raise Open311Error(400, "a location is required: lat and long, address_string or address_id")
    if len(address) > ADDRESS_MAX or len(posted.address_id) > ADDRESS_MAX:
        raise Open311Error(400, f"address_string and address_id: at most {ADDRESS_MAX} characters")
    if not address and posted.address_id.strip():
        address = f"address_id {posted.address_id.strip()}"  # no master address register: kept as given
    if not lat:
        return address, None, None
    return address, _coordinate(lat, "lat", 90), _coordinate(long, "long", 180)


def _checked_text(posted: PostedRequest) -> None:
    if len(posted.description) > TEXT_MAX:
        raise Open311Error(400, f"description: at most {TEXT_MAX} characters")
    if len(posted.first_name) + len(posted.last_name) > NAME_MAX:
        raise Open311Error(400, f"first_name and last_name: at most {NAME_MAX} characters together")
    url = posted.media_url.strip()
    if url and (len(url) > URL_MAX or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
        raise Open311Error(400, f"media_url {url[:100]!r}: an http or https URL")


def post(session: Session, posted: PostedRequest, attributes: dict[str, list[str]]) -> Ticket:
    """Check the request as the spec asks (403 for the key, else 400 naming the field) and take it in."""
    actor = actor_for(session, posted.api_key)
    check_jurisdiction(posted.jurisdiction_id, 400)
    topic = service(posted.service_code, 400)
    address, lat, long = _location(posted)
    _checked_text(posted)
    kind, lines = answers(topic, attributes)
    text = "\n".join([posted.description.strip() or topic.zh, *lines])
    try:
        ticket = intake.take_in(
            session, kind=kind, channel="open311", topic=topic.code, text=text,
            caller_name=f"{posted.last_name}{posted.first_name}".strip(), caller_phone=posted.phone.strip() or None,
            address=address, lat=lat, lon=long, actor=actor)
    except DomainError as exc:
        raise Open311Error(400, exc.message) from None
    if posted.media_url.strip():  # for the handlers, in the ticket's history; never published
        add_event(session, ticket, "note", actor=actor, text=f"media_url: {posted.media_url.strip()}")
    session.flush()
    return ticket


def posted_row(ticket: Ticket) -> dict:
    return {"service_request_id": str(ticket.id), "service_notice": f"答复期限 reply due {iso(ticket.reply_due_at)}",
            "account_id": None}


def _ids(text: str) -> list[int]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts or not all(REQUEST_ID.fullmatch(part) for part in parts):
        raise Open311Error(400, f"service_request_id {text[:100]!r}: give request ids separated by commas")
    return [int(part) for part in parts]


def _span(start_date: str, end_date: str) -> tuple[datetime, datetime]:
    """The window of requested_datetime: 90 days back from the end (now) unless given, never wider."""
    start = moment(start_date, "start_date") if start_date.strip() else None
    end = moment(end_date, "end_date") if end_date.strip() else None
    if start is None:
        end = end or clock.now()
        start = end - DEFAULT_SPAN
    elif end is None:
        end = start + DEFAULT_SPAN
    if start > end:
        raise Open311Error(400, "start_date comes after end_date")
    if end - start > DEFAULT_SPAN:
        raise Open311Error(400, "start_date to end_date may not span more than 90 days")
    return start, end


def _statuses(status: str, query):
    wanted = {s.strip() for s in status.split(",") if s.strip()}
    if not wanted <= {"open", "closed"}:
        raise Open311Error(400, f"status {status[:100]!r}: open or closed (comma-separated)")
    if wanted == {"open"}:
        return query.where(Ticket.state.notin_(CLOSED))
    if wanted == {"closed"}:
        return query.where(Ticket.state.in_(CLOSED))
    return query


def find(session: Session, *, service_request_id: str = "", service_code: str = "", start_date: str = "",
         end_date: str = "", status: str = "") -> list[Ticket]:
    """By ids (then every other filter is ignored, as the spec says) or by the filters; newest first."""
    query = select(Ticket).where(Ticket.state != "refused")
    if service_request_id.strip():
        query = query.where(Ticket.id.in_(_ids(service_request_id)))
    else:
        start, end = _span(start_date, end_date)
        query = _statuses(status, query.where(Ticket.received_at >= start, Ticket.received_at <= end))
        codes = [c.strip() for c in service_code.split(",") if c.strip()]
        if codes:
            query = query.where(Ticket.topic.in_(codes))
    return list(session.scalars(query.order_by(Ticket.received_at.desc(), Ticket.id.desc()).limit(MAX_REQUESTS)))


def find_one(session: Session, request_id: str) -> Ticket:
    number = int(request_id) if REQUEST_ID.fullmatch(request_id) else 0
    ticket = session.scalar(select(Ticket).where(Ticket.id == number, Ticket.state != "refused"))
    if ticket is None:
        raise Open311Error(404, f"service request {request_id[:100]} not found")
    return ticket


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:  # a coordinate stored before they were checked
        return None


def rows(session: Session, tickets: list[Ticket]) -> list[dict]:
    departments = dict(session.execute(select(Department.id, Department.name)).all())
    known = topics()
    return [{
        "service_request_id": str(t.id), "status": "closed" if t.state in CLOSED else "open",
        "status_notes": t.reply if t.state in CLOSED else None,
        "service_name": known[t.topic].zh if t.topic in known else t.topic, "service_code": t.topic,
        "description": t.text if t.channel == "open311" else None,
        "agency_responsible": departments.get(t.department_id or t.owner_department_id),
        "service_notice": None, "requested_datetime": iso(t.received_at),
        "updated_datetime": iso(t.visited_at or t.closed_at or t.replied_at or t.accepted_at or t.received_at),
        "expected_datetime": iso(t.reply_due_at), "address": t.address or None, "address_id": None,
        "zipcode": None, "lat": _number(t.lat), "long": _number(t.lon), "media_url": None,
    } for t in tickets]
