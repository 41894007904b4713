"""Residents of the demo city, drawn chunk by chunk (in worker processes for large cities).

A chunk is a fixed slice of the plan's households (plan.CHUNKS of them). Its random stream
depends only on the seed and the chunk number, so the result is the same whichever process
draws it and in whatever order chunks finish.

Unique ID numbers without coordination: chunk g owns the sequence numbers 20g … 20g+19
(digits 15–17); within a chunk a counter per (area code, birth date, sex) hands out
10 numbers per sex (the 17th digit's parity is the sex). When those are used up the birth
date moves one day earlier and the area code is looked up again for the new year.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import accumulate

from fangkong.core.lifeline import end_with_parent
from fangkong.core.pii import PiiCipher, decode_data_key
from fangkong.demo.names import person_name, surname

SEQUENCES_PER_CHUNK = 20
PHONE_PREFIXES = tuple(
    "130 131 132 133 134 135 136 137 138 139 147 150 151 152 153 155 156 157 158 159 166 "
    "173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199".split()
)
PHONE_MIN_AGE = 10
FIRST_BIRTH_YEAR = 1900
# adults by 5-year band from 20: rough shape of the 2020 census (two bulges, 30–34 and 50–59)
_ADULT_BANDS = (7, 8, 10, 9, 8, 8, 10, 11, 11, 10, 8, 5, 3, 1.5, 0.6, 0.2)

_cipher: PiiCipher | None = None


@dataclass(frozen=True)
class ChunkTask:
    seed: int
    chunk: int
    reference_date: date
    first_household_id: int
    first_resident_id: int
    # one entry per household, in id order
    units: tuple[int, ...]
    communities: tuple[int, ...]
    districts: tuple[int, ...]
    sizes: tuple[int, ...]
    # district id → ((first year, last year, area codes), …), inclusive years, None = open
    id_areas: dict[int, tuple[tuple[int | None, int | None, tuple[str, ...]], ...]]


def init_worker(data_key_text: str) -> None:
    """Pool initializer: each worker process builds its own cipher (spawn-safe) and ends with its parent."""
    global _cipher
    end_with_parent()
    _cipher = PiiCipher(decode_data_key(data_key_text))


def work(task: ChunkTask) -> list[tuple]:
    assert _cipher is not None, "init_worker was not run"
    return build_chunk(task, _cipher)


def check_digit(first17: str) -> str:
    """GB 11643 check digit, as stdnum.cn.ric.calc_check_digit computes it."""
    value = (1 - 2 * int(first17, 13)) % 11
    return "X" if value == 10 else str(value)


_ADULT_CUM = tuple(accumulate(_ADULT_BANDS))


def _adult_age(rng: random.Random, low: int, high: int) -> int:
    draw, total = rng.random, _ADULT_CUM[-1]
    while True:
        age = 20 + bisect_right(_ADULT_CUM, draw() * total) * 5 + int(draw() * 5)
        if low <= age <= high:
            return age


def household_members(rng: random.Random, size: int) -> list[tuple[int, bool, str]]:
    """(age, male, surname) of each member: singles, couples, parents with children, grandparents."""
    draw = rng.random
    if size == 1:
        return [(_adult_age(rng, 20, 95), draw() < 0.5, surname(rng))]
    if size == 2 and draw() < 0.3:  # a parent with a grown-up child
        parent = _adult_age(rng, 45, 95)
        family = surname(rng)
        child = max(parent - 22 - int(draw() * 14), 0)
        return [(parent, draw() < 0.5, family), (child, draw() < 0.5, family)]
    grandparents = min(2, size - 3) if size >= 5 and draw() < 0.6 else 0
    children = size - 2 - grandparents
    head = _adult_age(rng, 22 + 3 * children, 95 if children == 0 else 62)
    family = surname(rng)
    spouse = max(20, min(95, head - 5 + int(draw() * 10)))
    members = [(head, True, family), (spouse, False, surname(rng))]
    child = head - 23 - int(draw() * 10)  # first child born when the head was 23–32
    for _ in range(children):
        members.append((child if child >= 0 else int(draw() * 4), draw() < 0.51, family))
        child -= 1 + int(draw() * 5)
    for index in range(grandparents):
        members.append((min(95, head + 23 + int(draw() * 10)), index == 0, family if index == 0 else surname(rng)))
    return members


@lru_cache(maxsize=4)
def _days(first: int, last: int) -> tuple[tuple[int, str, str], ...]:
    """(year, 'YYYYMMDD', 'YYYY-MM-DD') for each day ordinal from `first` to `last`."""
    days = []
    for ordinal in range(first, last + 1):
        day = date.fromordinal(ordinal)
        iso = day.isoformat()
        days.append((day.year, iso[:4] + iso[5:7] + iso[8:], iso))
    return tuple(days)


def build_chunk(task: ChunkTask, cipher: PiiCipher) -> list[tuple]:
    """Resident rows, in the column order of people.bulk.RESIDENT_COLUMNS."""
    rng = random.Random(f"{task.seed}:residents:{task.chunk}")
    reference = task.reference_date.toordinal()
    earliest = date(FIRST_BIRTH_YEAR, 1, 1).toordinal()
    days = _days(earliest, reference)
    draw = rng.random
    n_prefixes = len(PHONE_PREFIXES)
    by_year = {
        district: {year: codes for year in range(FIRST_BIRTH_YEAR, task.reference_date.year + 1)
                   for first, last, codes in table
                   if (first is None or year >= first) and (last is None or year <= last)}
        for district, table in task.id_areas.items()
    }
    counters: dict[tuple[str, int, bool], int] = {}
    base = task.chunk * SEQUENCES_PER_CHUNK
    encrypt, mac = cipher.encrypt, cipher.lookup_mac
    rows: list[tuple] = []
    resident_id = task.first_resident_id
    for offset, size in enumerate(task.sizes):
        household_id = task.first_household_id + offset
        unit_id, community_id, district_id = task.units[offset], task.communities[offset], task.districts[offset]
        areas = by_year[district_id]
        for age, male, family in household_members(rng, size):
            born = reference - int(age * 365.2425) - int(draw() * 365)
            choice = int(draw() * 6)
            while True:
                year, compact, iso = days[born - earliest]
                codes = areas[year]
                area = codes[choice % len(codes)]
                key = (area, born, male)
                used = counters.get(key, 0)
                if used < SEQUENCES_PER_CHUNK // 2:
                    counters[key] = used + 1
                    break
                born -= 1
            first17 = f"{area}{compact}{base + 2 * used + male:03d}"
            id_number = first17 + check_digit(first17)
            if age >= PHONE_MIN_AGE or draw() < 0.1:
                phone = PHONE_PREFIXES[int(draw() * n_prefixes)] + f"{int(draw() * 100_000_000):08d}"
                phone_enc, phone_mac = encrypt(phone), mac(phone)
            else:
                phone_enc = phone_mac = None
            rows.append((
                resident_id, person_name(rng, family, male), encrypt(id_number), mac(id_number),
                phone_enc, phone_mac, "male" if male else "female", iso,
                household_id, unit_id, community_id, district_id,
            ))
            resident_id += 1
    return rows
