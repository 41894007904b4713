"""The facts about 大同市 the demo city is built from, read from places/data/datong.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "places" / "data" / "datong.toml"
FIRST_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class DistrictSpec:
    code: str
    name: str
    short_name: str
    name_en: str
    kind: str
    population: int
    urban_share: float
    lat: float
    lon: float
    spread: float
    # (first year or None, last year or None, area codes), inclusive
    id_areas: tuple[tuple[int | None, int | None, tuple[str, ...]], ...]

    def id_area_codes(self, year: int) -> tuple[str, ...]:
        """The ID area codes a resident of this district born in `year` may carry."""
        for first, last, codes in self.id_areas:
            if (first is None or year >= first) and (last is None or year <= last):
                return codes
        raise LookupError(f"no ID area code for {self.name} in {year}")


@dataclass(frozen=True)
class NamedCommunity:
    name: str
    village: bool
    compounds: tuple[str, ...]


@dataclass(frozen=True)
class NamedSubdistrict:
    district: str
    name: str
    rural: bool
    communities: tuple[NamedCommunity, ...]


@dataclass(frozen=True)
class NamedVenue:
    code: str
    kind: str
    name: str
    district: str
    address: str
    lat: float
    lon: float


@dataclass(frozen=True)
class CitySpec:
    code: str
    name: str
    reference_date: date
    districts: tuple[DistrictSpec, ...]
    named_subdistricts: tuple[NamedSubdistrict, ...]
    named_venues: tuple[NamedVenue, ...]

    def district(self, code: str) -> DistrictSpec:
        return next(d for d in self.districts if d.code == code)


def _id_areas(raw: list[dict]) -> tuple[tuple[int | None, int | None, tuple[str, ...]], ...]:
    return tuple((row.get("from"), row.get("to"), tuple(row["codes"])) for row in raw)


@lru_cache
def load_city(path: Path = DATA_FILE) -> CitySpec:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    tables = {row["code"]: row["id_areas"] for row in data["district"] if "id_areas" in row}
    districts = tuple(
        DistrictSpec(
            code=row["code"],
            name=row["name"],
            short_name=row.get("short_name", row["name"]),
            name_en=row["name_en"],
            kind=row["kind"],
            population=row["population"],
            urban_share=row["urban_share"],
            lat=row["lat"],
            lon=row["lon"],
            spread=row["spread"],
            id_areas=_id_areas(row["id_areas"] if "id_areas" in row else tables[row["id_areas_of"]]),
        )
        for row in data["district"]
    )
    named = tuple(
        NamedSubdistrict(
            district=row["district"],
            name=row["name"],
            rural=row.get("rural", False),
            communities=tuple(
                NamedCommunity(c["name"], c.get("village", False), tuple(c["compounds"]))
                for c in row["communities"]
            ),
        )
        for row in data.get("named_subdistrict", [])
    )
    venues = tuple(NamedVenue(**row) for row in data.get("named_venue", []))
    city = data["city"]
    return CitySpec(city["code"], city["name"], city["reference_date"], districts, named, venues)
