"""Transmission chains at the issue's size, loaded in bulk: N cases, five confirmed close contacts each.

Shared by the `tracing_chains` bench and the browser test of the chain page at that size
(tests/tracing/test_chains_browser.py). Cases fall in clusters whose sizes follow a Zipf-like law
(the largest a few hundred cases, most of one to three); inside a cluster each case after the
first was one of the confirmed contacts of an earlier case of it (a random free one), so clusters
are trees of several generations. People under management go through people.bulk.insert_managed
(measures20 close-contact plans); cases and candidates through Core executemany (SQLite) / COPY
(PostgreSQL) with explicit ids, sequences moved past them. Cases have no home (seen city-wide).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

CONTACTS_PER_CASE = 5
FIRST_DAY = date(2022, 10, 1)
LAST_DAY = date(2022, 11, 13)


def _cluster_sizes(cases: int, rng: random.Random) -> list[int]:
    sizes, left, rank = [], cases, 1
    while left > 0:
        size = max(1, min(left, int(cases * 0.04 / rank ** 1.1) + rng.randint(0, 2)))
        sizes.append(size)
        left -= size
        rank += 1
    return sizes


def load(engine, *, cases: int = 10_000, contacts_per_case: int = CONTACTS_PER_CASE, seed: int = 2022) -> dict:
    """Insert the chains (one transaction); returns {"cases", "contacts", "clusters", "largest"}."""
    from sqlalchemy import func, select

    from fangkong.core import clock
    from fangkong.core.db import refresh_statistics
    from fangkong.people import bulk as people_bulk
    from fangkong.people.case_models import Case
    from fangkong.people.managed_models import ManagedPerson
    from fangkong.places.bulk import reset_id_sequence
    from fangkong.policy import compute_plan, get_pack
    from fangkong.tracing.models import ContactCandidate

    rng = random.Random(f"{seed}:chains")
    zone = clock.zone()
    pack = get_pack("measures20")
    with engine.connect() as conn:
        first_case = (conn.scalar(select(func.max(Case.id))) or 0) + 1
        first_person = (conn.scalar(select(func.max(ManagedPerson.id))) or 0) + 1
        first_candidate = (conn.scalar(select(func.max(ContactCandidate.id))) or 0) + 1
    case_rows, people, plans, candidates = [], [], [], []
    plan_cache: dict[date, object] = {}
    sizes = _cluster_sizes(cases, rng)
    span = (LAST_DAY - FIRST_DAY).days
    case_id, person_id, candidate_id = first_case, first_person, first_candidate
    for size in sizes:
        free: list[tuple[int, date]] = []  # (managed person id, their case's report day) not yet a case
        for member in range(size):
            if member == 0:
                reported, became = FIRST_DAY + timedelta(days=rng.randrange(span - 10)), None
            else:
                became, parent_day = free.pop(rng.randrange(len(free)))
                reported = min(parent_day + timedelta(days=rng.randint(1, 3)), LAST_DAY)
            at = datetime.combine(reported, time(8)).replace(tzinfo=zone)
            case_rows.append({
                "id": case_id, "name": f"病例{case_id}", "kind": "confirmed", "source": "lab", "reported_on": reported,
                "managed_person_id": became, "note": "", "created_at": at, "created_by": "bench",
            })
            for n in range(contacts_per_case):
                anchor = reported - timedelta(days=1)
                if anchor not in plan_cache:
                    plan_cache[anchor] = compute_plan(pack, "close_contact", anchor, reported)
                people.append({
                    "id": person_id, "resident_id": None, "name": f"密接{person_id}", "document_kind": None,
                    "document_enc": None, "document_mac": None, "category": "close_contact", "anchor": anchor,
                    "identified_on": reported, "source": "tracing", "district_id": None, "community_id": None,
                    "created_at": at, "updated_at": at,
                })
                plans.append(plan_cache[anchor])
                candidates.append({
                    "id": candidate_id, "case_id": case_id, "category": "close_contact", "person_key": f"b{person_id}",
                    "household": False, "overlap_minutes": 30, "evidence": [], "rank": n + 1, "state": "confirmed",
                    "managed_person_id": person_id, "pack": "measures20", "created_at": at, "decided_at": at,
                    "decided_by": "bench",
                })
                free.append((person_id, reported))
                person_id += 1
                candidate_id += 1
            case_id += 1
    with engine.begin() as conn:
        people_bulk.insert_managed(conn, people, plans, actor="bench")
        people_bulk.insert_dicts(conn, Case.__table__, case_rows)
        people_bulk.insert_dicts(conn, ContactCandidate.__table__, candidates)
        if conn.dialect.name == "postgresql":
            reset_id_sequence(conn, Case.__table__)
            reset_id_sequence(conn, ContactCandidate.__table__)
        refresh_statistics(conn, ["case_record", "contact_candidate"])
    return {"cases": len(case_rows), "contacts": len(candidates), "clusters": len(sizes), "largest": max(sizes)}
