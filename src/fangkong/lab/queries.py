"""What the lab pages show: capacity per lab and day, turnaround against the targets, positive pools
being resolved, and one person's test history."""

from __future__ import annotations

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.lab.models import Lab, LabDay, ResampleTask, Sample, SamplingRound, Tube, TubeResult
from fangkong.lab.rounds import pack_of
from fangkong.places.models import Community

BUCKETS_HOURS = (6, 12, 24, 48)  # turnaround histogram edges (display only; the targets come from the pack)


def local(moment):
    """A stored time in the city's zone (PostgreSQL hands them back in the session's zone, SQLite naive)."""
    return clock.aware(moment).astimezone(clock.zone()) if moment is not None else None


def capacity(session: Session) -> list[dict]:
    """Per lab and day: received, tested, pending (received so far − tested so far) against daily capacity."""
    labs = {lab.id: lab for lab in session.scalars(select(Lab).order_by(Lab.code))}
    rows = session.execute(select(LabDay).order_by(LabDay.lab_id, LabDay.day)).scalars().all()
    out, backlog = [], {}
    for row in rows:
        lab = labs[row.lab_id]
        backlog[row.lab_id] = backlog.get(row.lab_id, 0) + row.received - row.tested
        out.append({"lab_id": lab.id, "lab_code": lab.code, "lab_name": lab.name, "day": row.day,
                    "capacity": lab.daily_capacity, "received": row.received, "tested": row.tested,
                    "positive": row.positive, "pending": backlog[row.lab_id],
                    "load": round(row.tested / lab.daily_capacity, 3)})
    return out


def day_totals(days: list[dict], on) -> dict:
    """The city's totals of day `on` from `capacity` rows: received and tested that day, the capacity of
    the labs, and pending = each lab's backlog at the end of its last day up to `on`."""
    today = [row for row in days if row["day"] == on]
    backlog: dict[int, int] = {}
    for row in days:  # in (lab, day) order: the last one up to `on` wins
        if row["day"] <= on:
            backlog[row["lab_id"]] = row["pending"]
    return {"day": on, "received": sum(r["received"] for r in today), "tested": sum(r["tested"] for r in today),
            "capacity": labs_capacity(days), "pending": sum(backlog.values())}


def labs_capacity(days: list[dict]) -> int:
    """The labs' daily capacity, summed once per lab."""
    return sum({row["lab_id"]: row["capacity"] for row in days}.values())


def results_on(session: Session, day) -> dict:
    """Tube results tested on `day`, and how many came within their round's target (by its priority);
    read through the (lab, tested_on) index."""
    targets = {r.id: 60 * getattr(pack_of(r).testing.turnaround_hours, r.priority)
               for r in session.scalars(select(SamplingRound))}
    if not targets:
        return {"results": 0, "within_target": 0}
    within = case(*((and_(TubeResult.round_id == rid, TubeResult.turnaround_minutes <= minutes), 1)
                    for rid, minutes in targets.items()), else_=0)
    total, ok = session.execute(select(func.count(), func.sum(within)).where(
        TubeResult.lab_id.in_(select(Lab.id)), TubeResult.tested_on == day)).one()
    return {"results": total or 0, "within_target": int(ok or 0)}


def open_pools(pools: list[dict]) -> int:
    """Positive pools whose people are not all re-sampled yet."""
    return sum(1 for pool in pools if not pool["all_resampled"])


def turnaround(session: Session, round_id: int | None = None) -> dict:
    """Histogram of sampled → result hours and the share within each round's target (by its priority)."""
    hours = TubeResult.turnaround_minutes / 60.0
    bucket = case(*((hours <= edge, edge) for edge in BUCKETS_HOURS), else_=-1)
    query = select(TubeResult.round_id, bucket, func.count()).group_by(TubeResult.round_id, bucket)
    if round_id is not None:
        query = query.where(TubeResult.round_id == round_id)
    histogram: dict[int, int] = {edge: 0 for edge in (*BUCKETS_HOURS, -1)}
    within, total = 0, 0
    rounds = {r.id: r for r in session.scalars(select(SamplingRound))}
    targets = {rid: getattr(pack_of(r).testing.turnaround_hours, r.priority) for rid, r in rounds.items()}
    for rid, edge, n in session.execute(query):
        histogram[edge] += n
        total += n
    for rid, target in targets.items():
        within += session.scalar(select(func.count()).select_from(TubeResult).where(
            TubeResult.round_id == rid, TubeResult.turnaround_minutes <= target * 60)) or 0
    labels = [f"≤{BUCKETS_HOURS[0]}h"] + [f"{a}–{b}h" for a, b in zip(BUCKETS_HOURS, BUCKETS_HOURS[1:])] + \
        [f">{BUCKETS_HOURS[-1]}h"]
    return {"labels": labels, "counts": [histogram[e] for e in (*BUCKETS_HOURS, -1)], "total": total,
            "within_target": within, "share_within_target": round(within / total, 4) if total else None,
            "targets": sorted({(r.priority, targets[r.id]) for r in rounds.values()})}


def positive_pools(session: Session, scope) -> list[dict]:
    """Each positive pool with its people: how many re-sampled, cleared, positive, and how long it took."""
    query = (select(ResampleTask.round_id, ResampleTask.source_barcode, func.count(),
                    func.sum(case((ResampleTask.state != "pending", 1), else_=0)),
                    func.sum(case((ResampleTask.state == "cleared", 1), else_=0)),
                    func.sum(case((ResampleTask.state == "positive", 1), else_=0)),
                    func.min(ResampleTask.created_at), func.max(ResampleTask.resampled_at),
                    func.min(ResampleTask.community_id))
             .where(ResampleTask.reason == "positive_pool")
             .group_by(ResampleTask.round_id, ResampleTask.source_barcode)
             .order_by(func.min(ResampleTask.created_at).desc()))
    if not scope.is_city:
        from fangkong.places import service as places_service

        query = query.where(ResampleTask.district_id.in_(places_service.district_ids_within(scope)))
    pools = session.execute(query).all()
    communities = {pool[-1] for pool in pools} - {None}
    names = dict(session.execute(select(Community.id, Community.name).where(Community.id.in_(communities)))
                 .all()) if communities else {}
    out = []
    for round_id, barcode, people, sampled, cleared, positive, opened, last, community in pools:
        opened, last = local(opened), local(last)
        done = sampled == people
        out.append({"round_id": round_id, "barcode": barcode, "people": people, "resampled": sampled,
                    "cleared": cleared, "positive": positive, "opened_at": opened,
                    "community": names.get(community), "all_resampled": done,
                    "minutes_to_all_resampled": int((last - opened).total_seconds() // 60) if done and last else None})
    return out


def history(session: Session, person_mac: bytes) -> list[dict]:
    """Every sample of one person, newest first, with its tube, result and any re-sampling task."""
    rows = session.execute(
        select(Sample.round_id, SamplingRound.name, Sample.barcode, Sample.attempt, Sample.sampled_at,
               Tube.pool_size, TubeResult.outcome, TubeResult.tested_at, TubeResult.ct_orf, TubeResult.ct_n)
        .join(SamplingRound, SamplingRound.id == Sample.round_id)
        .join(Tube, (Tube.round_id == Sample.round_id) & (Tube.barcode == Sample.barcode))
        .outerjoin(TubeResult, (TubeResult.round_id == Sample.round_id) & (TubeResult.barcode == Sample.barcode))
        .where(Sample.person_mac == person_mac).order_by(Sample.sampled_at.desc())).all()
    tasks = {(t.round_id, t.source_barcode): t for t in session.scalars(
        select(ResampleTask).where(ResampleTask.person_mac == person_mac))}
    out = []
    for r in rows:
        task = tasks.get((r.round_id, r.barcode))
        out.append({"round": r.name, "barcode": r.barcode, "attempt": r.attempt, "pool_size": r.pool_size,
                    "sampled_at": local(r.sampled_at), "outcome": r.outcome or "pending",
                    "tested_at": local(r.tested_at), "ct_orf": r.ct_orf, "ct_n": r.ct_n,
                    "task": task.state if task else None})
    return out

