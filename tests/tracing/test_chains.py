"""Transmission chains by hand: case 1 → contact A (confirmed), A becomes case 2 → contact B; case 3 alone.
Clusters {1, 2} (2 contacts, 2 generations) and {3}; the API and the page, in the caller's jurisdiction."""

from __future__ import annotations

import factories
import tracing_factories as tf
import zone_factories as zf
from fangkong.core import clock
from fangkong.people import cases
from fangkong.tracing import chains, flows, service


def _chain(session):
    unit = factories.place_chain(session)
    market = tf.venue(session, unit)
    first = tf.case(session, unit=unit, reported_on="2022-11-10")
    a = factories.resident(session, name="甲", unit=factories.place_chain(session))
    b = factories.resident(session, name="乙", unit=factories.place_chain(session))
    tf.scan(session, market, "2022-11-09 10:00", until="10:30", resident_id=first.resident_id)
    tf.scan(session, market, "2022-11-09 10:10", resident_id=a.id)
    tf.scan(session, market, "2022-11-11 15:00", until="15:30", resident_id=a.id)
    tf.scan(session, market, "2022-11-11 15:20", resident_id=b.id)
    investigator = zf.actor(session, "investigator")
    with clock.frozen(zf.at("2022-11-10", 20)):
        [ca] = service.propose(session, first.id, actor=investigator, pack="measures20")
        flows.confirm(session, ca.id, actor=investigator)
    with clock.frozen(zf.at("2022-11-12", 9)):
        second = cases.register_case(session, actor=investigator, resident_id=a.id, reported_on=zf.D("2022-11-12"))
    assert second.managed_person_id == ca.managed_person_id  # the contact became a case
    candidates = service.propose(session, second.id, actor=investigator, pack="measures20")
    [cb] = [c for c in candidates if c.resident_id == b.id]
    flows.confirm(session, cb.id, actor=investigator)
    third = tf.case(session, unit=factories.place_chain(session), reported_on="2022-11-12")
    return first, second, third


def test_clusters_generations_and_graph(session):
    first, second, third = _chain(session)
    data = chains.overview(session, scope=zf.actor(session, "commander").jurisdiction)
    mine = {c["id"]: c for c in data["clusters"] if c["id"] in (first.id, third.id)}
    assert (mine[first.id]["cases"], mine[first.id]["contacts"], mine[first.id]["generations"]) == (2, 2, 2)
    assert (mine[third.id]["cases"], mine[third.id]["contacts"], mine[third.id]["generations"]) == (1, 0, 1)
    graph = chains.cluster_graph(session, first.id, scope=zf.actor(session, "commander").jurisdiction)
    kinds = sorted(n["kind"] for n in graph["nodes"])
    assert kinds == ["case", "case", "close_contact"]
    assert {"source": f"c{first.id}", "target": f"c{second.id}", "kind": "infected"} in graph["edges"]


def test_chain_api_and_page(login_as, session):
    first, _second, _third = _chain(session)
    commander = login_as("commander", "140213")
    overview = commander.get("/api/v1/tracing/chains")
    assert overview.status_code == 200 and first.id in [c["id"] for c in overview.json()["clusters"]]
    assert commander.get(f"/api/v1/tracing/chains/{first.id}").json()["id"] == first.id
    assert commander.get("/api/v1/tracing/chains/999999").status_code == 404
    other = login_as("commander", "140214")
    assert other.get(f"/api/v1/tracing/chains/{first.id}").status_code == 404
    page = commander.get("/tracing/chains")
    assert page.status_code == 200 and 'data-testid="chain-overview"' in page.text
    assert login_as("public_areas", "140213").get("/tracing/chains").status_code == 403
