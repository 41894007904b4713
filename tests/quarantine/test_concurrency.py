"""Never double-booked: 50 operators assign 50 people at once to the last 10 beds, against the real server.

uvicorn serves the app on a free port (its worker threads run the requests in parallel) on a
fresh database of each backend; 50 threads released together by a barrier each POST one
assignment with an API token. Exactly 10 succeed, 40 get 409 `room_full`, no room is over capacity.
"""

from __future__ import annotations

import threading
from collections import Counter

import httpx
from sqlalchemy import func, select

import factories
import quarantine_factories as qf
from fangkong.core.db import unit_of_work
from fangkong.core.permissions import QUARANTINE_ALLOCATE
from fangkong.core.tokens import create_token
from fangkong.quarantine.models import QuarantineRoom, QuarantineStay

from .conftest import live_server

REQUESTS = 50


def _world(engine) -> tuple[str, list[int], list[int]]:
    with unit_of_work(engine) as session:
        site = qf.site(session, rooms=((2, 4), (1, 2)))  # 4 + 4 + 2 = 10 free beds
        rooms = sorted(qf.rooms_of(session, site.id).values())
        unit = factories.place_chain(session)
        people = [qf.waiting(session, unit=unit).id for _ in range(REQUESTS)]
        factories.user(session, role="prevention", username="operator")
        _, token = create_token(session, username="operator", name="concurrency", scopes=[QUARANTINE_ALLOCATE])
    return token, rooms, people


def test_fifty_concurrent_assignments_for_ten_beds(fresh_database):
    engine = fresh_database.engine
    token, rooms, people = _world(engine)
    barrier = threading.Barrier(REQUESTS)
    answers: list[tuple[int, str | None]] = [None] * REQUESTS

    def operator(i: int, base: str) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
            barrier.wait()
            response = client.post("/api/v1/quarantine/assignments",
                                   json={"person_ids": [people[i]], "room_id": rooms[i % len(rooms)]})
            code = response.json()["error"]["code"] if response.status_code >= 400 else None
            answers[i] = (response.status_code, code)

    with live_server(engine) as base:
        # the token in use already (its last-used time is written at most once a minute)
        warm = httpx.get(base + "/api/v1/quarantine/queue?limit=1", headers={"Authorization": f"Bearer {token}"})
        assert warm.status_code == 200 and warm.json()["total"] == REQUESTS
        threads = [threading.Thread(target=operator, args=(i, base)) for i in range(REQUESTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert Counter(answers) == {(201, None): 10, (409, "room_full"): 40}
    with unit_of_work(engine) as session:
        rows = session.execute(select(QuarantineRoom.id, QuarantineRoom.capacity, QuarantineRoom.occupied)).all()
        stays = dict(session.execute(select(QuarantineStay.room_id, func.count()).group_by(QuarantineStay.room_id)).all())
    assert sorted((capacity, occupied) for _, capacity, occupied in rows) == [(2, 2), (4, 4), (4, 4)]
    assert {room_id: stays.get(room_id, 0) for room_id, _, _ in rows} == {room_id: cap for room_id, cap, _ in rows}
