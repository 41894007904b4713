"""Transmission chains: cases, their confirmed contacts, and the contacts who became cases, grouped in clusters.

Edges: case → confirmed contact (a candidate confirmed as close or secondary contact, with the
person under management), and contact → case where that person under management was later
registered as a case (the case register's `managed_person_id`). A cluster is a connected group of
cases; its id is its smallest case id, its generations the longest case → case path plus one.
Three set queries and a union-find in memory: 10,000 cases and 50,000 contacts are a few hundred
milliseconds. The overview sends one node per cluster; a cluster's graph is fetched on demand.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core.errors import NotFound
from fangkong.people import cases as case_register
from fangkong.people.case_models import Case
from fangkong.tracing.models import ContactCandidate


def _load(session: Session, scope):
    case_rows = session.execute(select(Case.id, Case.reported_on, Case.managed_person_id)
                                .where(case_register.within(scope))).all()
    visible = {row.id for row in case_rows}
    contacts = [row for row in session.execute(
        select(ContactCandidate.case_id, ContactCandidate.managed_person_id, ContactCandidate.category)
        .where(ContactCandidate.state == "confirmed", ContactCandidate.managed_person_id.is_not(None))
    ).all() if row.case_id in visible]
    became = {row.managed_person_id: row.id for row in case_rows if row.managed_person_id is not None}
    return case_rows, contacts, became


def _clusters(case_rows, contacts, became) -> tuple[dict[int, int], dict[int, list[int]]]:
    parent = {row.id: row.id for row in case_rows}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    children: dict[int, list[int]] = defaultdict(list)
    for case_id, person_id, _category in contacts:
        infected = became.get(person_id)
        if infected is not None and infected != case_id:
            children[case_id].append(infected)
            a, b = find(case_id), find(infected)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {row.id: find(row.id) for row in case_rows}, children


def _depth(root_cases: list[int], children: dict[int, list[int]]) -> int:
    infected = {c for kids in children.values() for c in kids}
    best, seen = 0, set()
    stack = [(c, 1) for c in root_cases if c not in infected] or [(root_cases[0], 1)]
    while stack:
        case_id, depth = stack.pop()
        if case_id in seen:
            continue
        seen.add(case_id)
        best = max(best, depth)
        stack.extend((kid, depth + 1) for kid in children.get(case_id, ()))
    return best


def overview(session: Session, *, scope) -> dict:
    """One entry per cluster (cases, contacts, generations, first report day), largest first, and totals."""
    case_rows, contacts, became = _load(session, scope)
    cluster_of, children = _clusters(case_rows, contacts, became)
    members: dict[int, list] = defaultdict(list)
    for row in case_rows:
        members[cluster_of[row.id]].append(row)
    contact_count: dict[int, int] = defaultdict(int)
    for case_id, _person, _category in contacts:
        contact_count[cluster_of[case_id]] += 1
    clusters = [{"id": cid, "cases": len(rows), "contacts": contact_count[cid],
                 "generations": _depth([r.id for r in rows], children),
                 "first_reported_on": min(r.reported_on for r in rows).isoformat()}
                for cid, rows in members.items()]
    clusters.sort(key=lambda c: (-c["cases"], -c["contacts"], c["id"]))
    return {"cases": len(case_rows), "contacts": len(contacts), "clusters": clusters,
            "largest_generations": max((c["generations"] for c in clusters), default=0)}


def cluster_graph(session: Session, cluster_id: int, *, scope) -> dict:
    """Nodes (cases and contacts) and edges of one cluster."""
    case_rows, contacts, became = _load(session, scope)
    cluster_of, _children = _clusters(case_rows, contacts, became)
    cases = [row for row in case_rows if cluster_of[row.id] == cluster_id]
    if not cases:
        raise NotFound("cluster")
    ids = {row.id for row in cases}
    nodes = [{"id": f"c{row.id}", "kind": "case", "case_id": row.id, "reported_on": row.reported_on.isoformat()}
             for row in cases]
    edges, seen = [], set()
    for case_id, person_id, category in contacts:
        if case_id not in ids:
            continue
        infected = became.get(person_id)
        if infected is not None and infected in ids:
            edges.append({"source": f"c{case_id}", "target": f"c{infected}", "kind": "infected"})
        else:
            if person_id not in seen:
                seen.add(person_id)
                nodes.append({"id": f"m{person_id}", "kind": category, "managed_person_id": person_id})
            edges.append({"source": f"c{case_id}", "target": f"m{person_id}", "kind": category})
    return {"id": cluster_id, "nodes": nodes, "edges": edges}
