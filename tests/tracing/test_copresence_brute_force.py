"""The index-driven interval queries find exactly whom a brute-force comparison of every pair of visits finds
(random scans, stays up to the 12-hour maximum, gaps around the pack's N, seeded)."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest

import factories
import tracing_factories as tf
from fangkong.tracing import bulk, copresence
from fangkong.tracing.scans import resident_key

GAP = 15


@pytest.mark.parametrize("seed", [1, 2])
def test_copresence_matches_brute_force(session, seed):
    rng = random.Random(seed)
    unit = factories.place_chain(session)
    venues = [tf.venue(session, unit).id for _ in range(4)]
    base = 27_800_000  # minutes since the epoch, late 2022
    rows, visits = [], []
    for _ in range(400):
        person = rng.randrange(1, 60)
        venue = rng.choice(venues)
        start = base + rng.randrange(0, 6 * 60)
        until = start + rng.choice((0, 0, 5, 30, 120, 720))
        visits.append((person, venue, start, until))
    seen = set()
    for person, venue, start, until in visits:
        if (person, venue, start) in seen:
            continue  # one scan per person, venue and minute
        seen.add((person, venue, start))
        at = datetime.fromtimestamp(start * 60, tz=timezone.utc)
        rows.append((resident_key(person), person, None, None, venue, at, start, until, "import"))
    bulk.insert_scans(session.connection(), rows)
    case_key = resident_key(1)
    mine = [(r[4], r[6], r[7]) for r in rows if r[0] == case_key]
    expected = set()
    for other_key, _p, _k, _e, venue, _at, a2, b2, _s in rows:
        if other_key == case_key:
            continue
        for v, a1, b1 in mine:
            if v == venue and max(0, a2 - b1, a1 - b2) <= GAP:
                expected.add(other_key)
    found = copresence.copresent(session, case_key, base - 1, base + 7 * 60, kinds=["supermarket"], gap=GAP)
    assert mine and set(found) == expected
