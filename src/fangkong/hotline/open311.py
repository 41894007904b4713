"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the hotline for Open311 clients.

Thin routes over open311_services (services, definitions), open311_requests (post, find) and
open311_format (JSON/XML, errors). Services are the topics (service_code = topic code). POST
requests needs an `api_key` (form field or query parameter): an API token with scope
hotline.intake. Every answer but a malformed format suffix uses the spec's bodies, errors
included: a list of {code, description}. docs/open311.md lists each point of the spec.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from sqlalchemy.orm import Session

from fangkong.core.deps import SESSION
from fangkong.core.permissions import public
from fangkong.hotline import open311_requests as requests
from fangkong.hotline import open311_services as services_
from fangkong.hotline.open311_format import Open311Error, error, render, render_object

# declared as the spec has them; read, and refused with the spec's 400, by open311_services/_requests
W3CMoment = Annotated[str, Query(json_schema_extra={"format": "date-time"})]
Language = Annotated[str, Query(json_schema_extra={"enum": ["zh", "en"]})]  # another: the spec's 400
_BODIES = {"content": {"application/json": {}, "text/xml": {}}}
router = APIRouter(prefix="/open311/v2", tags=["open311"], responses={
    200: {"description": "the spec's answer, in JSON or XML", **_BODIES},
    400: {"description": "the spec's error list: a field missing or not valid", **_BODIES},
    403: {"description": "api_key missing or without the hotline.intake scope", **_BODIES},
    404: {"description": "no such request, service definition or jurisdiction", **_BODIES},
    422: {"description": "a malformed path (format other than json or xml)", **_BODIES},
})
Format = Literal["json", "xml"]
CHANGESET = "2022-11-13"


async def _attributes(request: Request) -> dict[str, list[str]]:
    """attribute[code]=value and attribute[code][]=value fields of the posted form, by code."""
    found: dict[str, list[str]] = {}
    for key, value in (await request.form()).multi_items():
        if key.startswith("attribute[") and isinstance(value, str):
            code = key.removeprefix("attribute[").removesuffix("[]").removesuffix("]")
            found.setdefault(code, []).append(value)
    return found


@router.get("/discovery.{fmt}", dependencies=[Depends(public())])
def discovery(fmt: Format, request: Request):
    endpoint = {"specification": "http://wiki.open311.org/GeoReport_v2",
                "url": str(request.base_url).rstrip("/") + "/open311/v2/", "changeset": CHANGESET,
                "type": "production", "formats": ["application/json", "text/xml"]}
    return render_object(fmt, "discovery", {"changeset": CHANGESET, "contact": "12345",
                                            "key_service": "API tokens (scope hotline.intake) from the city",
                                            "endpoints": [endpoint]})


@router.get("/services.{fmt}", dependencies=[Depends(public())])
def services(fmt: Format, lang: Language = "zh", jurisdiction_id: str = ""):
    try:
        services_.check_jurisdiction(jurisdiction_id, 404)
        rows = services_.service_rows(services_.language(lang))
    except Open311Error as exc:
        return error(fmt, exc.status, exc.description)
    return render(fmt, "services", "service", rows)


@router.get("/services/{service_code}.{fmt}", dependencies=[Depends(public())])
def service_definition(service_code: str, fmt: Format, lang: Language = "zh", jurisdiction_id: str = ""):
    """The attributes a service asks; 404 for a service without them (metadata false)."""
    try:
        services_.check_jurisdiction(jurisdiction_id, 404)
        found = services_.definition(services_.service(service_code, 404), services_.language(lang))
    except Open311Error as exc:
        return error(fmt, exc.status, exc.description)
    return render_object(fmt, "service_definition", found)


@router.post("/requests.{fmt}", dependencies=[Depends(public())])
def post_request(
    fmt: Format,
    api_key: str = Form(""), service_code: str = Form(""), jurisdiction_id: str = Form(""),
    lat: str = Form(""), long: str = Form(""), address_string: str = Form(""), address_id: str = Form(""),
    description: str = Form(""), first_name: str = Form(""), last_name: str = Form(""), phone: str = Form(""),
    email: str = Form(""), device_id: str = Form(""), account_id: str = Form(""), media_url: str = Form(""),
    api_key_query: str = Query("", alias="api_key"),
    attributes: dict[str, list[str]] = Depends(_attributes),
    session: Session = SESSION,
):
    """Post a service request (the spec's form fields; api_key in the form or the query string)."""
    posted = requests.PostedRequest(
        api_key=api_key or api_key_query, service_code=service_code, jurisdiction_id=jurisdiction_id, lat=lat,
        long=long, address_string=address_string, address_id=address_id, description=description,
        first_name=first_name, last_name=last_name, phone=phone, media_url=media_url)
    try:
        ticket = requests.post(session, posted, attributes)  # email, device_id, account_id: not kept
    except Open311Error as exc:
        return error(fmt, exc.status, exc.description)
    return render(fmt, "service_requests", "request", [requests.posted_row(ticket)])


@router.get("/requests.{fmt}", dependencies=[Depends(public())])
def get_requests(
    fmt: Format, service_request_id: str = "", service_code: str = "", start_date: W3CMoment = "",
    end_date: W3CMoment = "", status: str = "", jurisdiction_id: str = "", session: Session = SESSION,
):
    """Requests by id (comma-separated) or by filters; by default the last 90 days, at most 1000."""
    try:
        services_.check_jurisdiction(jurisdiction_id, 404)
        tickets = requests.find(session, service_request_id=service_request_id, service_code=service_code,
                                start_date=start_date, end_date=end_date, status=status)
    except Open311Error as exc:
        return error(fmt, exc.status, exc.description)
    return render(fmt, "service_requests", "request", requests.rows(session, tickets))


@router.get("/requests/{request_id}.{fmt}", dependencies=[Depends(public())])
def get_request(request_id: str, fmt: Format, jurisdiction_id: str = "", session: Session = SESSION):
    try:
        services_.check_jurisdiction(jurisdiction_id, 404)
        ticket = requests.find_one(session, request_id)
    except Open311Error as exc:
        return error(fmt, exc.status, exc.description)
    return render(fmt, "service_requests", "request", requests.rows(session, [ticket]))
