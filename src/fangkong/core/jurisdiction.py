"""Where a user may look: the city, a district, a subdistrict or a community, named by area code.

Codes follow the statistical division codes: 140200 the city, 6 digits a district, 9 a
subdistrict (街道/乡镇), 12 a community (社区/村). Services filter every query of people and
places by the caller's jurisdiction; an object outside it is "not found".
"""

from __future__ import annotations

from dataclasses import dataclass

from fangkong.core.errors import InvalidInput

CITY_CODE = "140200"
LEVELS = {6: "district", 9: "subdistrict", 12: "community"}


@dataclass(frozen=True)
class Jurisdiction:
    level: str  # city | district | subdistrict | community
    code: str

    @property
    def is_city(self) -> bool:
        return self.level == "city"

    @property
    def district_code(self) -> str | None:
        return None if self.is_city else self.code[:6]

    def covers_code(self, area_code: str | None) -> bool:
        """Whether a place with this area code (district/subdistrict/community) lies inside."""
        if self.is_city:
            return True
        return area_code is not None and area_code.startswith(self.code)


CITY = Jurisdiction(level="city", code=CITY_CODE)


def parse_jurisdiction(code: str) -> Jurisdiction:
    code = (code or "").strip()
    if code == CITY_CODE:
        return CITY
    level = LEVELS.get(len(code))
    if level is None or not code.isdigit() or not code.startswith(CITY_CODE[:4]):
        raise InvalidInput(
            "invalid_jurisdiction",
            f"jurisdiction: {code!r} is not the city ({CITY_CODE}) or a district, subdistrict or community code",
            details={"field": "jurisdiction"},
        )
    return Jurisdiction(level=level, code=code)
