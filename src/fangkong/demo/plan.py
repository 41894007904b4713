"""The layout of the demo city: places down to units, households and venues, fixed by a seed.

Built in the main process. Ids are assigned here (1, 2, … per table) so that the rows are the
same whatever order they reach the database in. Residents are drawn later, chunk by chunk
(see residents.py): the plan only fixes each household's size and where it lives.
"""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass, field

from fangkong.demo import names
from fangkong.demo.city import CitySpec, DistrictSpec, NamedSubdistrict

CHUNKS = 50  # fixed: chunk g owns ID sequence numbers 20g … 20g+19 (see residents.py)
HOUSEHOLD_SIZES = (1, 2, 3, 4, 5, 6)
HOUSEHOLD_SIZE_CUM_WEIGHTS = (18, 48, 72, 87, 95, 100)  # mean ≈ 2.8 persons
URBAN_HOUSEHOLDS_PER_COMPOUND = 360
VILLAGE_HOUSEHOLDS_PER_GROUP = 90
URBAN_HOUSEHOLDS_PER_UNIT = 12
VILLAGE_HOUSEHOLDS_PER_UNIT = 6
RESIDENTS_PER_VENUE = 300


@dataclass
class CityPlan:
    districts: list[tuple] = field(default_factory=list)  # id, code, name, name_en, kind, lat, lon
    subdistricts: list[tuple] = field(default_factory=list)  # id, code, district_id, name
    communities: list[tuple] = field(default_factory=list)  # id, code, subdistrict_id, district_id, name
    compounds: list[tuple] = field(default_factory=list)  # id, community_id, district_id, name, lat, lon
    buildings: list[tuple] = field(default_factory=list)  # id, compound_id, number, lat, lon
    units: list[tuple] = field(default_factory=list)  # id, building_id, number
    venues: list[tuple] = field(default_factory=list)  # id, code, kind, name, address, district_id, community_id, lat, lon
    # households: id = index + 1
    household_unit: array = field(default_factory=lambda: array("l"))
    household_size: array = field(default_factory=lambda: array("b"))
    # per unit (index = unit id - 1): where its residents are counted
    unit_community: array = field(default_factory=lambda: array("l"))
    unit_district: array = field(default_factory=lambda: array("l"))

    @property
    def population(self) -> int:
        return sum(self.household_size)

    def chunks(self) -> list[tuple[int, int, int]]:
        """(chunk, first household index, end household index): CHUNKS slices of similar population."""
        total = self.population
        bounds, acc, g = [0], 0, 1
        for index, size in enumerate(self.household_size):
            acc += size
            while g < CHUNKS and acc >= total * g / CHUNKS:
                bounds.append(index + 1)
                g += 1
        bounds += [len(self.household_size)] * (CHUNKS + 1 - len(bounds))
        return [(g, bounds[g], bounds[g + 1]) for g in range(CHUNKS)]


def split(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder apportionment of `total` by `weights`."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: counts[i] - shares[i])
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def build_plan(city: CitySpec, population: int, seed: int) -> CityPlan:
    rng = random.Random(f"{seed}:plan")
    plan = CityPlan()
    for index, district in enumerate(city.districts, start=1):
        plan.districts.append(
            (index, district.code, district.name, district.name_en, district.kind, district.lat, district.lon)
        )
    per_district = split(population, [d.population for d in city.districts])
    for district_id, (district, people) in enumerate(zip(city.districts, per_district), start=1):
        named = [s for s in city.named_subdistricts if s.district == district.code]
        _DistrictBuilder(plan, rng, district_id, district, named).build(_household_sizes(rng, people))
    _add_venues(plan, rng, city, population)
    return plan


def _household_sizes(rng: random.Random, people: int) -> list[int]:
    sizes: list[int] = []
    left = people
    while left > 0:
        size = min(left, rng.choices(HOUSEHOLD_SIZES, cum_weights=HOUSEHOLD_SIZE_CUM_WEIGHTS)[0])
        sizes.append(size)
        left -= size
    rng.shuffle(sizes)
    return sizes


class _DistrictBuilder:
    """Subdistricts → communities → compounds → buildings → units for one district."""

    def __init__(
        self, plan: CityPlan, rng: random.Random, district_id: int, spec: DistrictSpec,
        named: list[NamedSubdistrict],
    ) -> None:
        self.plan, self.rng, self.district_id, self.spec, self.named = plan, rng, district_id, spec, named
        self.subdistrict_codes: dict[int, str] = {}
        self.community_counts: dict[int, int] = {}
        self.taken: set[str] = {s.name for s in named} | {
            c.name for s in named for c in s.communities
        } | {name for s in named for c in s.communities for name in c.compounds}

    def build(self, sizes: list[int]) -> None:
        urban_count = round(len(sizes) * self.spec.urban_share)
        # named places first (each named community holds just its named compounds), then generated ones
        self._place(sizes[:urban_count], [s for s in self.named if not s.rural], rural=False)
        self._place(sizes[urban_count:], [s for s in self.named if s.rural], rural=True)

    def _place(self, sizes: list[int], named: list[NamedSubdistrict], rural: bool) -> None:
        rng = self.rng
        per_compound = VILLAGE_HOUSEHOLDS_PER_GROUP if rural else URBAN_HOUSEHOLDS_PER_COMPOUND
        named_compounds = [
            (s.name, c, compound) for s in named for c in s.communities for compound in (c.compounds or ("",))
        ]
        generated = round(len(sizes) / per_compound)
        count = max(len(named_compounds) + generated, 1 if sizes else 0)
        if count == 0:
            return
        shares = split(len(sizes), [rng.uniform(0.5, 1.5) for _ in range(count)])
        households = iter(sizes)
        subdistrict_id = community_id = None
        current = (None, None)
        communities_left = compounds_left = 0
        group = 0
        for index, share in enumerate(shares):
            mine = [next(households) for _ in range(share)]
            if index < len(named_compounds):
                sub_name, community, compound = named_compounds[index]
                if current[0] != sub_name:
                    subdistrict_id = self._subdistrict(sub_name)
                if current != (sub_name, community.name):
                    community_id, group = self._community(subdistrict_id, community.name), 0
                current = (sub_name, community.name)
                group += 1
                name = compound or names.village_group_name(community.name, group)
                communities_left = compounds_left = 0
            else:
                if communities_left == 0 and compounds_left == 0:
                    subdistrict_id = self._subdistrict(names.subdistrict_name(rng, self.taken, rural))
                    communities_left = rng.randint(10, 22) if rural else rng.randint(6, 12)
                if compounds_left == 0:
                    village = names.community_name(rng, self.taken, rural)
                    community_id, group = self._community(subdistrict_id, village), 0
                    communities_left -= 1
                    compounds_left = rng.randint(1, 4) if rural else rng.randint(2, 6)
                compounds_left -= 1
                group += 1
                name = names.village_group_name(village, group) if rural else names.compound_name(rng, self.taken)
            self._compound(community_id, name, mine, rural)

    def _subdistrict(self, name: str) -> int:
        row_id = len(self.plan.subdistricts) + 1
        self.subdistrict_codes[row_id] = f"{self.spec.code}{len(self.subdistrict_codes) + 1:03d}"
        self.community_counts[row_id] = 0
        self.plan.subdistricts.append((row_id, self.subdistrict_codes[row_id], self.district_id, name))
        return row_id

    def _community(self, subdistrict_id: int, name: str) -> int:
        row_id = len(self.plan.communities) + 1
        self.community_counts[subdistrict_id] += 1
        code = f"{self.subdistrict_codes[subdistrict_id]}{self.community_counts[subdistrict_id]:03d}"
        self.plan.communities.append((row_id, code, subdistrict_id, self.district_id, name))
        return row_id

    def _compound(self, community_id: int, name: str, sizes: list[int], rural: bool) -> None:
        rng, plan, spec = self.rng, self.plan, self.spec
        reach = spec.spread * (1.0 if rural else 0.5)
        lat = spec.lat + max(-2 * reach, min(2 * reach, rng.gauss(0, reach)))
        lon = spec.lon + max(-2 * reach, min(2 * reach, rng.gauss(0, reach))) * 1.3
        compound_id = len(plan.compounds) + 1
        plan.compounds.append((compound_id, community_id, self.district_id, name, round(lat, 6), round(lon, 6)))
        per_unit = VILLAGE_HOUSEHOLDS_PER_UNIT if rural else URBAN_HOUSEHOLDS_PER_UNIT
        unit_count = max(1 if rural else 2, round(len(sizes) / per_unit))
        unit_ids: list[int] = []
        number = 0
        while len(unit_ids) < unit_count:
            number += 1
            building_id = len(plan.buildings) + 1
            plan.buildings.append((
                building_id, compound_id, number,
                round(lat + rng.gauss(0, 0.0012), 6), round(lon + rng.gauss(0, 0.0015), 6),
            ))
            per_building = 1 if rural else rng.randint(2, 4)
            for unit_number in range(1, min(per_building, unit_count - len(unit_ids)) + 1):
                unit_id = len(plan.units) + 1
                plan.units.append((unit_id, building_id, unit_number))
                plan.unit_community.append(community_id)
                plan.unit_district.append(self.district_id)
                unit_ids.append(unit_id)
        # households spread evenly over the units, in order
        for index, size in enumerate(sizes):
            plan.household_unit.append(unit_ids[index * unit_count // len(sizes)])
            plan.household_size.append(size)


def _add_venues(plan: CityPlan, rng: random.Random, city: CitySpec, population: int) -> None:
    district_ids = {spec.code: index for index, spec in enumerate(city.districts, start=1)}
    for venue in city.named_venues:
        plan.venues.append((
            len(plan.venues) + 1, venue.code, venue.kind, venue.name, venue.address,
            district_ids[venue.district], None, venue.lat, venue.lon,
        ))
    count = max(population // RESIDENTS_PER_VENUE, len(names.VENUE_KINDS))
    # venues go where people live: pick communities in proportion to their households
    weight = [0] * (len(plan.communities) + 1)
    for unit_id in plan.household_unit:
        weight[plan.unit_community[unit_id - 1]] += 1
    community_ids = list(range(1, len(plan.communities) + 1))
    chosen = rng.choices(community_ids, weights=weight[1:], k=count)
    first_compound: dict[int, tuple] = {}
    for row in plan.compounds:
        first_compound.setdefault(row[1], row)
    subdistrict_names = {row[0]: row[3] for row in plan.subdistricts}
    serial: dict[int, int] = {}
    for index, community_id in enumerate(chosen):
        _, _, subdistrict_id, district_id, community = plan.communities[community_id - 1]
        spec = city.districts[district_id - 1]
        kind = names.VENUE_KINDS[index] if index < len(names.VENUE_KINDS) else names.venue_kind(rng)
        serial[district_id] = serial.get(district_id, 0) + 1
        near = first_compound[community_id]
        plan.venues.append((
            len(plan.venues) + 1,
            f"V{spec.code}{serial[district_id]:06d}",
            kind,
            names.venue_name(rng, kind, spec.short_name, community),
            names.address(rng, spec.name, subdistrict_names[subdistrict_id]),
            district_id,
            community_id,
            round(near[4] + rng.gauss(0, 0.004), 6),
            round(near[5] + rng.gauss(0, 0.005), 6),
        ))
