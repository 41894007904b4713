"""What a tube's result sets off across domains, in the transaction that stores the result.

A positive pooled tube opens a re-sampling task for each of its people (pool positive: stay in
place, single tube at home); an invalid tube opens re-sampling tasks too. A positive single tube
or re-sample registers a case through zones.flows (which proposes its zone); a negative re-sample
clears the person. A result of a single tube of someone under management fulfils their test
appointment of that day, when their plan has one.
"""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.errors import DomainError
from fangkong.core.jurisdiction import CITY
from fangkong.lab import tasks
from fangkong.lab.models import Sample
from fangkong.people import managed
from fangkong.people.case_models import Case
from fangkong.people.managed_models import ManagedPerson, ManagedPlanTest
from fangkong.people.models import Resident
from fangkong.zones import flows as zone_flows


def citywide(actor):
    """Cases and appointments follow the person, wherever the lab or its operator is."""
    return SimpleNamespace(jurisdiction=CITY, user=getattr(actor, "user", None),
                           principal=getattr(actor, "principal", None))


def on_results(session: Session, *, round_id: int, results: list[tuple], actor) -> None:
    """(barcode, pool_size, outcome, tested_at) of new results that are not negative pools. Tasks are
    timed from the result: the "positive tube → all re-sampled" clock starts at `tested_at`."""
    pooled = [(barcode, "positive_pool" if outcome == "positive" else "invalid", tested_at)
              for barcode, size, outcome, tested_at in results if size > 1 and outcome != "negative"]
    tasks.open_for_tubes(session, round_id, pooled)
    for barcode, size, outcome, tested_at in results:
        if size == 1:
            on_single_result(session, round_id=round_id, barcode=barcode, outcome=outcome, tested_at=tested_at,
                             actor=actor)


def on_single_result(session: Session, *, round_id: int, barcode: str, outcome: str, tested_at: datetime,
                     actor) -> None:
    tested_on = tested_at.astimezone(clock.zone()).date()
    sample = session.execute(select(Sample.person_mac, Sample.attempt).where(
        Sample.round_id == round_id, Sample.barcode == barcode)).first()
    if sample is None:
        return
    if outcome == "invalid":
        resampled = tasks.tasks_resampled_in(session, round_id, barcode)
        for task in resampled:
            task.state = "pending"  # the re-sample itself failed: sample again
        if not resampled:
            tasks.open_for_tubes(session, round_id, [(barcode, "invalid", tested_at)])
        return
    case_id = register_case(session, sample.person_mac, tested_on, actor) if outcome == "positive" else None
    for task in tasks.tasks_resampled_in(session, round_id, barcode):
        tasks.resolve(task, outcome, case_id)
    fulfil_appointment(session, sample.person_mac, tested_on, outcome, actor)


def register_case(session: Session, person_mac: bytes, on: date, actor) -> int | None:
    """The case of a positive single tube: a resident is registered (and their zone proposed); another
    person is left for a case worker (no home unit is known), as the dashboard shows."""
    resident_id = session.scalar(select(Resident.id).where(Resident.id_number_mac == person_mac))
    if resident_id is None:
        return None
    existing = session.scalar(select(Case.id).where(Case.resident_id == resident_id))
    if existing is not None:
        return existing
    try:
        case, _links = zone_flows.register_case(session, actor=citywide(actor), resident_id=resident_id,
                                                reported_on=on, kind="confirmed", source="lab",
                                                note="nucleic acid test positive (lab)")
    except DomainError as exc:
        if exc.code != "home_required":
            raise
        return None
    return case.id


def fulfil_appointment(session: Session, person_mac: bytes, day: date, outcome: str, actor) -> None:
    person = session.execute(
        select(ManagedPerson.id, ManagedPerson.plan_id).outerjoin(Resident, Resident.id == ManagedPerson.resident_id)
        .where((Resident.id_number_mac == person_mac) | (ManagedPerson.document_mac == person_mac))
        .order_by(ManagedPerson.release_on.desc()).limit(1)).first()
    if person is None:
        return
    planned = session.scalar(select(ManagedPlanTest.day).where(ManagedPlanTest.plan_id == person.plan_id,
                                                                ManagedPlanTest.day == day))
    if planned is not None:
        managed.record_result(session, person.id, day=day, result=outcome, actor=citywide(actor))
