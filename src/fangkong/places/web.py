"""Pages of places: the districts with their counts and a map of their centres; venues."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fangkong.core import i18n
from fangkong.core.deps import SESSION
from fangkong.core.permissions import PLACES_READ, Actor, require
from fangkong.core.pagination import MAX_PER_PAGE, PageRequest
from fangkong.places import service
from fangkong.web.templating import Pager, render

router = APIRouter(include_in_schema=False)

PLACE_FIELDS = ("subdistricts", "communities", "compounds")  # resident counts belong to people, a higher floor


@router.get("/places")
def districts_page(
    request: Request, actor: Actor = Depends(require(PLACES_READ)), session: Session = SESSION
) -> Response:
    language = i18n.request_language(request)
    districts = service.list_districts(session, scope=actor.jurisdiction)
    fields = PLACE_FIELDS
    totals = {field: sum(getattr(d, field) for d in districts) for field in fields}
    markers = [
        {"name": d.name if language == "zh" else d.name_en, "code": d.code, "lat": d.lat, "lon": d.lon}
        for d in districts
    ]
    context = {"districts": districts, "fields": fields, "totals": totals, "markers": markers}
    return render(request, "places/districts.html", context, user=actor.user, active="places")


@router.get("/places/venues")
def venues_page(
    request: Request,
    district: str = "",
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=MAX_PER_PAGE),
    actor: Actor = Depends(require(PLACES_READ)),
    session: Session = SESSION,
) -> Response:
    venues, total = service.list_venues(
        session,
        scope=actor.jurisdiction,
        page=PageRequest(page=page, per_page=per_page),
        district_code=district or None,
    )
    districts = service.list_districts(session, scope=actor.jurisdiction)
    names = {d.id: d for d in districts}

    def pager_url(number: int) -> str:
        query = {"district": district, "page": number} if district else {"page": number}
        return "/places/venues?" + urlencode(query)

    context = {
        "venues": venues,
        "districts": districts,
        "district_by_id": names,
        "selected": district,
        "pager": Pager(page=page, per_page=per_page, total=total),
        "pager_url": pager_url,
    }
    return render(request, "places/venues.html", context, user=actor.user, active="places")
