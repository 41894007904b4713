"""The resumption board's figures and the command dashboard's contract (`headline`, `report_rows`).

Resumption rate = enterprises resumed (fully or partly: 复工) / enterprises with a status that day, overall
and for above-scale enterprises, by district and park. One grouped range scan over the status changes that
overlap the trend's period (index ix_enterprise_status_period) gives both the day's breakdown and the trend,
folded here with +1/−1 at each interval's ends. Open problems by kind and age; sites' testing compliance in
their latest round (one grouped query). Every count matches the lists behind it (same conditions).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import Date, and_, case, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from fangkong.config import get_settings
from fangkong.core import clock
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.enterprises import problems as problem_service
from fangkong.enterprises.models import (
    PROBLEM_KINDS, WORKING, ConstructionSite, Enterprise, EnterpriseStatus, Problem, RosterMember,
)
from fangkong.enterprises.registry import count_enterprises, district_within, enterprise_filter
from fangkong.enterprises.sites import not_sampled_query
from fangkong.lab.models import Sample
from fangkong.people.models import Resident
from fangkong.places.models import District

AGE_BUCKETS = (("0_1", 1), ("2_3", 3), ("4_7", 7), ("8_plus", None))  # open problems by days since raised
REPORT_LIMIT = 500  # rows of each kind in the daily report's sheet


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _empty() -> dict:
    return {"total": 0, "resumed": 0, "partial": 0, "stopped": 0, "above_scale_total": 0, "above_scale_resumed": 0}


def _add(counts: dict, status: str, above_scale: bool, n: int) -> None:
    counts["total"] += n
    if status == "stopped":
        counts["stopped"] += n
    else:
        counts["resumed"] += n
        if status == "partial":
            counts["partial"] += n
    if above_scale:
        counts["above_scale_total"] += n
        if status in WORKING:
            counts["above_scale_resumed"] += n


def _rated(counts: dict) -> dict:
    return {**counts, "rate": share(counts["resumed"], counts["total"]),
            "above_scale_rate": share(counts["above_scale_resumed"], counts["above_scale_total"])}


def resumption(session: Session, *, on: date, scope: Jurisdiction, days: int | None = None) -> dict:
    days = days or get_settings().enterprises_trend_days
    start = on - timedelta(days=days - 1)
    s = EnterpriseStatus
    after = on + timedelta(days=1)
    # each interval clamped to the period, so that intervals alike there fold into one group
    lo = type_coerce(case((s.from_day < start, literal(start, Date)), else_=s.from_day), Date)
    hi = type_coerce(case((s.until_day > after, literal(after, Date)), else_=s.until_day), Date)
    rows = session.execute(
        select(lo, hi, s.status, s.district_id, s.park, s.above_scale, func.count())
        .where(s.until_day > start, s.from_day <= on, district_within(scope, s.district_id))
        .group_by(lo, hi, s.status, s.district_id, s.park, s.above_scale)
    ).all()
    names = dict(session.execute(select(District.id, District.name)).all())
    codes = dict(session.execute(select(District.id, District.code)).all())
    total, by_district, by_park = _empty(), defaultdict(_empty), defaultdict(_empty)
    deltas = defaultdict(lambda: defaultdict(int))  # day offset → key → change
    for from_day, until_day, status, district_id, park, above_scale, n in rows:
        if from_day <= on < until_day:
            _add(total, status, above_scale, n)
            _add(by_district[district_id], status, above_scale, n)
            if park:
                _add(by_park[(district_id, park)], status, above_scale, n)
        first = max((from_day - start).days, 0)
        last = min((until_day - start).days, days)  # exclusive
        keys = ["total"] + (["resumed"] if status in WORKING else []) + (
            ["above_scale_total"] + (["above_scale_resumed"] if status in WORKING else []) if above_scale else [])
        for key in keys:
            deltas[first][key] += n
            deltas[last][key] -= n
    trend, running = [], defaultdict(int)
    for offset in range(days):
        for key, change in deltas[offset].items():
            running[key] += change
        trend.append({"day": (start + timedelta(days=offset)).isoformat(), "total": running["total"],
                      "resumed": running["resumed"], "rate": share(running["resumed"], running["total"]),
                      "above_scale_total": running["above_scale_total"],
                      "above_scale_resumed": running["above_scale_resumed"],
                      "above_scale_rate": share(running["above_scale_resumed"], running["above_scale_total"])})
    return {
        "on": on.isoformat(), "total": _rated(total),
        "by_district": [{"district": codes[d], "name": names[d], **_rated(c)}
                        for d, c in sorted(by_district.items(), key=lambda item: codes[item[0]])],
        "by_park": [{"district": codes[d], "name": park, **_rated(c)}
                    for (d, park), c in sorted(by_park.items(), key=lambda item: (codes[item[0][0]], item[0][1]))],
        "trend": trend,
    }


def open_problems(session: Session, *, scope: Jurisdiction) -> dict:
    today = clock.today()
    rows = session.execute(select(Problem.kind, Problem.raised_on, func.count())
                           .where(*problem_service.problem_conditions(scope))
                           .group_by(Problem.kind, Problem.raised_on)).all()
    overdue = session.scalar(select(func.count()).select_from(Problem).where(
        *problem_service.problem_conditions(scope, overdue_only=True))) or 0
    table = {kind: {label: 0 for label, _ in AGE_BUCKETS} for kind in PROBLEM_KINDS}
    for kind, raised_on, n in rows:
        age = (today - raised_on).days
        label = next(label for label, upto in AGE_BUCKETS if upto is None or age <= upto)
        table[kind][label] += n
    return {"total": sum(sum(c.values()) for c in table.values()), "overdue": overdue, "ages": [a for a, _ in AGE_BUCKETS],
            "by_kind": [{"kind": kind, "total": sum(c.values()), **{f"age_{a}": c[a] for a in c}}
                        for kind, c in table.items()]}


def site_compliance(session: Session, *, scope: Jurisdiction, limit: int = 20) -> dict:
    """Workers and those not sampled in each site's latest round: one grouped scan of the rosters' index."""
    # an outer join on the sample's unique key (round, person, attempt 0): at most one row per worker; a worker
    # is sampled in a round iff attempt 0 exists (re-samples follow it), as sites.not_sampled says
    rows = session.execute(
        select(ConstructionSite.id, ConstructionSite.project, func.count(),
               func.count() - func.count(Sample.id))
        .join(RosterMember, RosterMember.site_id == ConstructionSite.id)
        .outerjoin(Sample, and_(Sample.round_id == ConstructionSite.latest_round_id,
                                Sample.person_mac == RosterMember.person_mac, Sample.attempt == 0))
        .where(district_within(scope, ConstructionSite.district_id), ConstructionSite.latest_round_id.is_not(None))
        .group_by(ConstructionSite.id, ConstructionSite.project)).all()
    sites = [{"site_id": i, "project": p, "workers": w, "not_sampled": int(m or 0), "sampled": w - int(m or 0),
              "rate": share(w - int(m or 0), w)} for i, p, w, m in rows]
    workers = sum(s["workers"] for s in sites)
    missing = sum(s["not_sampled"] for s in sites)
    worst = sorted(sites, key=lambda s: (-s["not_sampled"], s["site_id"]))[:limit]
    return {"sites": len(sites), "workers": workers, "not_sampled": missing, "rate": share(workers - missing, workers),
            "worst": worst}


def board(session: Session, *, on: date, scope: Jurisdiction) -> dict:
    return {"resumption": resumption(session, on=on, scope=scope), "problems": open_problems(session, scope=scope),
            "sites": site_compliance(session, scope=scope)}


# ---- the command dashboard's contract -------------------------------------------------------------------------

def headline(session: Session, *, on: date, scope: Jurisdiction) -> list[dict]:
    """The module's dashboard figures for day `on` inside `scope`; each `api` lists exactly `value` rows."""
    day = on.isoformat()
    figures = []
    for key, filters, query in (
        ("above_scale_total", {"above_scale": True}, "above_scale=true"),
        ("above_scale_resumed", {"above_scale": True, "resumed": True}, "above_scale=true&resumed=true"),
        ("enterprises_total", {}, ""),
        ("enterprises_resumed", {"resumed": True}, "resumed=true"),
    ):
        suffix = f"on={day}" + (f"&{query}" if query else "")
        figures.append({"key": key, "value": count_enterprises(session, scope=scope, on=on, **filters),
                        "href": f"/enterprises/list?{suffix}", "api": f"/api/v1/enterprises?{suffix}"})
    for key, filters, query in (("open_problems", {}, ""), ("overdue_problems", {"overdue_only": True}, "overdue=true")):
        value = session.scalar(select(func.count()).select_from(Problem).where(
            *problem_service.problem_conditions(scope, **filters))) or 0
        figures.append({"key": key, "value": value, "href": "/enterprises/problems" + (f"?{query}" if query else ""),
                        "api": "/api/v1/enterprises/problems" + (f"?{query}" if query else "")})
    missing = site_compliance(session, scope=scope, limit=0)["not_sampled"]
    figures.append({"key": "site_workers_not_sampled", "value": missing, "href": "/enterprises/sites/not-sampled",
                    "api": "/api/v1/enterprises/sites/not-sampled"})
    return figures


def report_rows(session: Session, *, on: date, scope: Jurisdiction) -> tuple[list[str], list[list]]:
    """The daily report's sheet: above-scale enterprises not resumed, open problems, workers not sampled."""
    from fangkong.core.pii import get_cipher, mask_id_number

    headers = ["类别", "名称", "区县", "状态", "说明"]
    labels = {"stopped": "停工", "partial": "部分复工", "resumed": "复工", "raised": "待分派", "assigned": "办理中",
              "handled": "待确认"}
    kinds = {"logistics": "物流通行", "raw_material": "原材料", "energy": "能源气源", "staff": "用工",
             "living_supplies": "生活物资", "other": "其他"}
    rows: list[list] = []
    found = session.execute(
        select(Enterprise.name, District.name, EnterpriseStatus.status, EnterpriseStatus.from_day)
        .join(EnterpriseStatus, EnterpriseStatus.enterprise_id == Enterprise.id)
        .join(District, District.id == Enterprise.district_id)
        .where(*enterprise_filter(scope, on=on, above_scale=True, resumed=False))
        .order_by(District.code, Enterprise.id).limit(REPORT_LIMIT)).all()
    rows += [["未复工规上企业", name, district, labels[status], f"自{since.isoformat()}"]
             for name, district, status, since in found]
    found = session.execute(
        select(Problem, func.coalesce(Enterprise.name, ConstructionSite.project), District.name)
        .outerjoin(Enterprise, Enterprise.id == Problem.enterprise_id)
        .outerjoin(ConstructionSite, ConstructionSite.id == Problem.site_id)
        .join(District, District.id == Problem.district_id)
        .where(*problem_service.problem_conditions(scope)).order_by(Problem.due_at, Problem.id)
        .limit(REPORT_LIMIT)).all()
    rows += [["待解决问题", name, district, labels[p.state],
              f"{kinds[p.kind]}：{p.text}（期限 {clock.aware(p.due_at).astimezone(clock.zone()):%m-%d %H:%M}）"]
             for p, name, district in found]
    cipher = get_cipher()
    found = session.execute(not_sampled_query(scope).add_columns(District.name)
                            .join(District, District.id == ConstructionSite.district_id)
                            .order_by(ConstructionSite.id, Resident.id).limit(REPORT_LIMIT)).all()
    rows += [["工地未检人员", f"{site.project}：{r.name}", district, "未采样",
              mask_id_number(cipher.decrypt(r.id_number_enc))] for site, r, district in found]
    return headers, rows
