from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DistrictOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    name_en: str
    kind: str
    lat: float
    lon: float
    subdistricts: int
    communities: int
    compounds: int
    residents: int | None


class VenueOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    kind: str
    name: str
    address: str
    district_id: int
    community_id: int | None
    lat: float
    lon: float


class VenuePage(BaseModel):
    items: list[VenueOut]
    total: int
    page: int
    per_page: int
