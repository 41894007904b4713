"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the hotline for Open311 clients.

Services are the leaves and branches of the topic tree (service_code = topic code). POST
requests needs an `api_key`: an API token whose scopes include hotline.intake. Statuses map
to open (still owed a reply or its closure) and closed (closed, visited or refused);
`expected_datetime` is the reply deadline. Callers' personal data never appears; the description
is shown only for requests that came in through Open311 (citizens posted it for publication).
Errors use the spec's body: a list of {code, description}, in JSON or XML.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.auth import Principal
from fangkong.core.deps import SESSION
from fangkong.core.errors import DomainError
from fangkong.core.jurisdiction import parse_jurisdiction
from fangkong.core.permissions import HOTLINE_INTAKE, Actor, public, role_allows
from fangkong.core.tokens import find_token
from fangkong.hotline import intake
from fangkong.hotline.models import Department, Ticket
from fangkong.hotline.topics import topics

_BODIES = {"content": {"application/json": {}, "text/xml": {}}}
router = APIRouter(prefix="/open311/v2", tags=["open311"], responses={
    200: {"description": "the spec's list, in JSON or XML", **_BODIES},
    400: {"description": "the spec's error list", **_BODIES},
    403: {"description": "api_key missing or without the hotline.intake scope", **_BODIES},
    404: {"description": "no such request", **_BODIES},
    422: {"description": "a malformed path (format other than json or xml)", **_BODIES},
})
Format = Literal["json", "xml"]
REQUEST_ID = re.compile(r"[0-9]{1,9}")
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
CLOSED = ("closed", "visited", "refused")


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


def _render(fmt: str, root: str, item: str, rows: list[dict], status: int = 200) -> Response:
    if fmt == "json":
        return JSONResponse(rows, status_code=status)
    tree = ET.Element(root)
    for row in rows:
        element = ET.SubElement(tree, item)
        for key, value in row.items():
            if isinstance(value, list):
                container = ET.SubElement(element, key)
                for entry in value:
                    ET.SubElement(container, key.rstrip("s") or key).text = str(entry)
            else:
                ET.SubElement(element, key).text = "" if value is None else str(value)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(tree, encoding="utf-8")
    return Response(body, status_code=status, media_type="text/xml; charset=utf-8")


def _error(fmt: str, status: int, description: str) -> Response:
    return _render(fmt, "errors", "error", [{"code": status, "description": description}], status)


def _iso(value: datetime | None) -> str | None:
    return clock.aware(value).astimezone(clock.zone()).isoformat(timespec="seconds") if value else None


@router.get("/discovery.{fmt}", dependencies=[Depends(public())])
def discovery(fmt: Format, request: Request):
    base = str(request.base_url).rstrip("/") + "/open311/v2/"
    endpoint = {"specification": "http://wiki.open311.org/GeoReport_v2", "url": base, "changeset": "2022-11-13",
                "type": "production", "formats": ["application/json", "text/xml"]}
    if fmt == "json":
        return JSONResponse({"changeset": "2022-11-13", "contact": "12345", "key_service": "API tokens from the city",
                             "endpoints": [endpoint]})
    return _render("xml", "discovery", "endpoint", [endpoint])


@router.get("/services.{fmt}", dependencies=[Depends(public())])
def services(fmt: Format, lang: Literal["zh", "en"] = "zh"):
    rows = [{"service_code": t.code, "service_name": t.name(lang), "description": t.name(lang), "metadata": "false",
             "type": "realtime", "keywords": "", "group": topics()[t.code.split(".")[0]].name(lang)}
            for t in topics().values()]
    return _render(fmt, "services", "service", rows)


@router.post("/requests.{fmt}", dependencies=[Depends(public())])
def post_request(
    fmt: Format,
    api_key: str = Form(""), service_code: str = Form(""), description: str = Form(""),
    address_string: str = Form(""), lat: str | None = Form(None), long: str | None = Form(None),
    first_name: str = Form(""), last_name: str = Form(""), phone: str | None = Form(None),
    kind: str = Form("help", alias="attribute[kind]"),
    session: Session = SESSION,
):
    """Post a service request (form fields of the spec); answers its id and the reply deadline."""
    try:
        actor = _actor_for(session, api_key)
        if service_code not in topics():
            raise Open311Error(400, f"service_code {service_code!r} is not a service of this endpoint")
        if not (address_string.strip() or (lat and long)):
            raise Open311Error(400, "a location is required: lat and long, or address_string")
        ticket = intake.take_in(
            session, kind=kind, channel="open311", topic=service_code, text=description,
            caller_name=f"{last_name}{first_name}".strip(), caller_phone=phone or None,
            address=address_string, lat=lat, lon=long, actor=actor,
        )
    except DomainError as exc:
        return _error(fmt, 400, exc.message)
    except Open311Error as exc:
        return _error(fmt, exc.status, exc.description)
    session.flush()
    return _render(fmt, "service_requests", "request", [{
        "service_request_id": str(ticket.id), "service_notice": f"答复期限 reply due {_iso(ticket.reply_due_at)}",
        "account_id": None,
    }])


@router.get("/requests.{fmt}", dependencies=[Depends(public())])
def get_requests(
    fmt: Format,
    service_request_id: str | None = Query(None, max_length=2000), service_code: str | None = Query(None, max_length=500),
    start_date: str | None = Query(None, max_length=40), end_date: str | None = Query(None, max_length=40),
    status: str | None = Query(None, max_length=20), session: Session = SESSION,
):
    """Requests by id (comma-separated) or by filters; by default the last 90 days, at most 1000."""
    try:
        query = select(Ticket).where(Ticket.state != "refused")
        if service_request_id:
            query = query.where(Ticket.id.in_(_ids(service_request_id)))
        else:
            query = _filtered(query, service_code, start_date, end_date, status)
        tickets = list(session.scalars(query.order_by(Ticket.received_at.desc()).limit(MAX_REQUESTS)))
    except Open311Error as exc:
        return _error(fmt, exc.status, exc.description)
    return _render(fmt, "service_requests", "request", _requests(session, tickets))


@router.get("/requests/{request_id}.{fmt}", dependencies=[Depends(public())])
def get_request(request_id: str, fmt: Format, session: Session = SESSION):
    number = int(request_id) if REQUEST_ID.fullmatch(request_id) else 0  # ASCII digits only ("²".isdigit())
    ticket = session.scalar(select(Ticket).where(Ticket.id == number, Ticket.state != "refused"))
    if ticket is None:
        return _error(fmt, 404, f"service request {request_id} not found")
    return _render(fmt, "service_requests", "request", _requests(session, [ticket]))


def _actor_for(session: Session, api_key: str) -> Actor:
    found = find_token(session, api_key.strip()) if api_key else None
    if found is None:
        raise Open311Error(403, "api_key is missing or not valid")
    row, user = found
    if HOTLINE_INTAKE not in row.scopes or not role_allows(user.role, HOTLINE_INTAKE):
        raise Open311Error(403, "this api_key may not post service requests (scope hotline.intake)")
    principal = Principal(user=user, via="token", scopes=frozenset(row.scopes), token_id=row.id)
    return Actor(principal=principal, jurisdiction=parse_jurisdiction(user.jurisdiction_code))


def _ids(text: str) -> list[int]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not all(REQUEST_ID.fullmatch(part) for part in parts):
        raise Open311Error(400, f"service_request_id {text!r}: give request ids separated by commas")
    return [int(part) for part in parts]


def _moment(text: str | None, field: str) -> datetime | None:
    if not text:
        return None
    try:
        return clock.aware(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise Open311Error(400, f"{field} {text!r} is not a W3C date-time like 2022-11-13T09:00:00+08:00") from None


def _filtered(query, service_code, start_date, end_date, status):
    end = _moment(end_date, "end_date") or clock.now()
    start = _moment(start_date, "start_date") or end - timedelta(days=DEFAULT_DAYS)
    query = query.where(Ticket.received_at >= start, Ticket.received_at <= end)
    if service_code:
        codes = [c.strip() for c in service_code.split(",") if c.strip()]
        query = query.where(Ticket.topic.in_(codes))
    if status:
        wanted = {s.strip() for s in status.split(",")}
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, f"status {status!r}: open or closed")
        if wanted == {"open"}:
            query = query.where(Ticket.state.notin_(CLOSED))
        elif wanted == {"closed"}:
            query = query.where(Ticket.state.in_(CLOSED))
    return query


def _requests(session: Session, tickets: list[Ticket]) -> list[dict]:
    departments = dict(session.execute(select(Department.id, Department.name)).all())
    known = topics()
    return [{
        "service_request_id": str(t.id), "status": "closed" if t.state in CLOSED else "open",
        "status_notes": t.reply if t.state in CLOSED else None,
        "service_name": known[t.topic].zh if t.topic in known else t.topic, "service_code": t.topic,
        "description": t.text if t.channel == "open311" else None,
        "agency_responsible": departments.get(t.department_id or t.owner_department_id),
        "service_notice": None, "requested_datetime": _iso(t.received_at),
        "updated_datetime": _iso(t.visited_at or t.closed_at or t.replied_at or t.accepted_at or t.received_at),
        "expected_datetime": _iso(t.reply_due_at), "address": t.address or None, "address_id": None,
        "zipcode": None, "lat": t.lat, "long": t.lon, "media_url": None,
    } for t in tickets]
