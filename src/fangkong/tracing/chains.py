"""Transmission chains: cases, their confirmed contacts, and the contacts who became cases, grouped in clusters.

Edges: case → confirmed contact (a candidate confirmed as close or secondary contact, with the
person under management), and contact → case where that person under management was later
registered as a case (the case register's `managed_person_id`). A cluster is a connected group of
cases; its id is its smallest case id, its generations the longest case → case path plus one.
The overview reads three small set queries through Core (no ORM rows): the cases, the
contact → case links (a join on the person under management), and the confirmed contacts counted
per case; a union-find and one walk of the infection trees do the rest. A cluster's graph reads
the same cases and links, then only that cluster's contacts. 10,000 cases with 50,000 contacts:
bench `tracing_chains`. The overview sends one node per cluster; a cluster's graph is fetched on demand.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core.errors import NotFound
from fangkong.people import cases as case_register
from fangkong.people.case_models import Case
from fangkong.tracing.models import ContactCandidate


CONFIRMED = (ContactCandidate.state == "confirmed", ContactCandidate.managed_person_id.is_not(None))
CHUNK = 900  # ids per IN list (SQLite's parameter limit)


def _load(session: Session, scope):
    """(case rows (id, reported_on, managed_person_id) in scope, [(case, infected case)] between them)."""
    conn = session.connection()
    case_rows = conn.execute(select(Case.id, Case.reported_on, Case.managed_person_id)
                             .where(case_register.within(scope))).all()
    visible = {row.id for row in case_rows}
    links = [(source, target) for source, target in conn.execute(
        select(ContactCandidate.case_id, Case.id).join(Case, Case.managed_person_id == ContactCandidate.managed_person_id)
        .where(*CONFIRMED)) if source in visible and target in visible and source != target]
    return case_rows, links


def _clusters(case_rows, links) -> tuple[dict[int, int], dict[int, list[int]]]:
    parent = {row.id: row.id for row in case_rows}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    children: dict[int, list[int]] = defaultdict(list)
    for case_id, infected in links:
        children[case_id].append(infected)
        a, b = find(case_id), find(infected)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {row.id: find(row.id) for row in case_rows}, children


def _generations(case_ids, children: dict[int, list[int]]) -> dict[int, int]:
    """Each case's generation: 1 for a case nobody infected, a case's infector's plus one (one pass)."""
    infected = {c for kids in children.values() for c in kids}
    generation: dict[int, int] = {}
    for root in case_ids:
        if root in infected or root in generation:
            continue
        generation[root] = 1
        stack = [root]
        while stack:
            case_id = stack.pop()
            for kid in children.get(case_id, ()):
                if kid not in generation:
                    generation[kid] = generation[case_id] + 1
                    stack.append(kid)
    for case_id in case_ids:  # a cycle with no root (data entered both ways) counts as one generation
        generation.setdefault(case_id, 1)
    return generation


def overview(session: Session, *, scope) -> dict:
    """One entry per cluster (cases, contacts, generations, first report day), largest first, and totals."""
    case_rows, links = _load(session, scope)
    cluster_of, children = _clusters(case_rows, links)
    per_case = dict(session.connection().execute(
        select(ContactCandidate.case_id, func.count()).where(*CONFIRMED).group_by(ContactCandidate.case_id)).all())
    generation = _generations([row.id for row in case_rows], children)
    stats: dict[int, list] = {}  # cluster → [cases, contacts, generations, first report day]
    for row in case_rows:
        entry = stats.get(cluster_of[row.id])
        if entry is None:
            stats[cluster_of[row.id]] = [1, per_case.get(row.id, 0), generation[row.id], row.reported_on]
            continue
        entry[0] += 1
        entry[1] += per_case.get(row.id, 0)
        entry[2] = max(entry[2], generation[row.id])
        entry[3] = min(entry[3], row.reported_on)
    clusters = [{"id": cid, "cases": n, "contacts": contacts, "generations": depth,
                 "first_reported_on": first.isoformat()} for cid, (n, contacts, depth, first) in stats.items()]
    clusters.sort(key=lambda c: (-c["cases"], -c["contacts"], c["id"]))
    return {"cases": len(case_rows), "contacts": sum(c["contacts"] for c in clusters), "clusters": clusters,
            "largest_generations": max((c["generations"] for c in clusters), default=0)}


def cluster_graph(session: Session, cluster_id: int, *, scope) -> dict:
    """Nodes (cases and contacts) and edges of one cluster."""
    case_rows, links = _load(session, scope)
    cluster_of, _children = _clusters(case_rows, links)
    cases = [row for row in case_rows if cluster_of[row.id] == cluster_id]
    if not cases:
        raise NotFound("cluster")
    ids = sorted(row.id for row in cases)
    members = set(ids)
    became = {row.managed_person_id: row.id for row in cases if row.managed_person_id is not None}
    nodes = [{"id": f"c{row.id}", "kind": "case", "case_id": row.id, "reported_on": row.reported_on.isoformat()}
             for row in cases]
    edges, seen = [], set()
    conn = session.connection()
    for start in range(0, len(ids), CHUNK):
        contacts = conn.execute(
            select(ContactCandidate.case_id, ContactCandidate.managed_person_id, ContactCandidate.category)
            .where(*CONFIRMED, ContactCandidate.case_id.in_(ids[start:start + CHUNK]))
            .order_by(ContactCandidate.case_id, ContactCandidate.id)).all()
        for case_id, person_id, category in contacts:
            infected = became.get(person_id)
            if infected is not None and infected in members:
                edges.append({"source": f"c{case_id}", "target": f"c{infected}", "kind": "infected"})
                continue
            if person_id not in seen:
                seen.add(person_id)
                nodes.append({"id": f"m{person_id}", "kind": category, "managed_person_id": person_id})
            edges.append({"source": f"c{case_id}", "target": f"m{person_id}", "kind": category})
    return {"id": cluster_id, "nodes": nodes, "edges": edges}
