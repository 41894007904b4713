"""Re-sampling tasks: the people of a positive pool (stay in place, single tube at home) or of an invalid tube.

A task is opened by the source tube's result (`pending`), moves to `sampled` when the person's
single-tube re-sample is stored, and is resolved by that tube's result: `cleared` (negative) or
`positive` (a case). Every step keeps its time, for the "positive tube → all re-sampled" figures.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.lab import bulk
from fangkong.lab.models import ResampleTask, Sample, SamplingPoint, Tube
from fangkong.people.models import Resident
from fangkong.places.models import Community

TASK_COLUMNS = ("round_id", "source_barcode", "reason", "person_mac", "document_kind", "document_enc", "resident_id",
                "district_id", "community_id", "state", "created_at")


def open_tasks(session: Session, round_id: int, macs: set[bytes]) -> dict[bytes, int]:
    """person MAC → id of their pending task in the round."""
    if not macs:
        return {}
    rows = session.execute(select(ResampleTask.person_mac, ResampleTask.id).where(
        ResampleTask.round_id == round_id, ResampleTask.state == "pending", ResampleTask.person_mac.in_(macs)))
    return dict(rows.all())


def mark_resampled(session: Session, done: list[tuple[int, str, datetime]]) -> None:
    for task_id, barcode, at in done:
        session.execute(update(ResampleTask).where(ResampleTask.id == task_id)
                        .values(state="sampled", resampled_at=at, resample_barcode=barcode))


def open_for_tubes(session: Session, round_id: int, tubes: list[tuple[str, str, datetime]]) -> int:
    """A task for each person of each (barcode, reason, at) tube, in one query and one write (open ones are
    kept); returns how many were opened."""
    if not tubes:
        return 0
    conn = session.connection()
    why = {barcode: (reason, at) for barcode, reason, at in tubes}
    people = session.execute(
        select(Sample.barcode, Sample.person_mac, Sample.document_kind, Sample.document_enc, Resident.id,
               Resident.district_id, Resident.community_id, SamplingPoint.district_id, SamplingPoint.community_id)
        .join(Tube, (Tube.round_id == Sample.round_id) & (Tube.barcode == Sample.barcode))
        .join(SamplingPoint, SamplingPoint.id == Tube.point_id)
        .outerjoin(Resident, Resident.id_number_mac == Sample.person_mac)
        .where(Sample.round_id == round_id, bulk.among(conn, Sample.barcode, why))).all()
    known = set(session.execute(select(ResampleTask.source_barcode, ResampleTask.person_mac).where(
        ResampleTask.round_id == round_id, bulk.among(conn, ResampleTask.source_barcode, why))).all())
    rows = [(round_id, barcode, why[barcode][0], mac, kind, enc, resident, r_district or p_district,
             r_community if resident else p_community, "pending", why[barcode][1])
            for barcode, mac, kind, enc, resident, r_district, r_community, p_district, p_community in people
            if (barcode, mac) not in known]
    return bulk.insert_rows(conn, "resample_task", TASK_COLUMNS, rows)


def tasks_resampled_in(session: Session, round_id: int, barcode: str) -> list[ResampleTask]:
    return list(session.scalars(select(ResampleTask).where(
        ResampleTask.round_id == round_id, ResampleTask.resample_barcode == barcode,
        ResampleTask.state == "sampled")))


def resolve(task: ResampleTask, outcome: str, case_id: int | None = None) -> None:
    task.state = "cleared" if outcome == "negative" else "positive"
    task.resolved_at = clock.now()
    task.case_id = case_id


def community_name(session: Session, community_id: int | None) -> str | None:
    return session.scalar(select(Community.name).where(Community.id == community_id)) if community_id else None
