"""The rows behind each section's figures, for the daily report's Excel sheets (bounded lists).

Each sheet holds at most MAX_ROWS rows of its list, read through the module's own list function;
a longer list says so in its last row (the module's page exports the whole of it).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Callable

from sqlalchemy.orm import Session

from fangkong.core import i18n
from fangkong.core.pagination import MAX_PER_PAGE
from fangkong.dashboard.sections import TREND_DAYS
from fangkong.enterprises import figures as enterprises_figures
from fangkong.hotline import queries as hotline_queries
from fangkong.inspection import service as inspection
from fangkong.lab import queries as lab_queries
from fangkong.people import cases, managed_queries, overrides
from fangkong.quarantine import service as quarantine
from fangkong.supplies import figures as supplies_figures
from fangkong.zones import service as zones

MAX_ROWS = 2000
Table = tuple[list[str], list[list]]


def _paged(fetch: Callable[[int], tuple[list[dict], int]]) -> tuple[list[dict], int]:
    """Up to MAX_ROWS items of a paged list function, and its total."""
    items, total = fetch(1)
    page = 1
    while len(items) < min(total, MAX_ROWS):
        page += 1
        more, _ = fetch(page)
        if not more:
            break
        items += more
    return items[:MAX_ROWS], total


ZH = i18n.translator("zh")


def _table(headers: list[str], keys: list[str], items: list[dict], total: int | None = None,
           labels: dict[str, str] | None = None) -> Table:
    """Rows of `keys`; a column in `labels` shows its code's Chinese name from that catalog section."""
    labels = labels or {}
    rows = [[_label(labels.get(key), item.get(key)) for key in keys] for item in items]
    if total is not None and total > len(items):
        rows.append([f"…共 {total} 行，此处列出前 {len(items)} 行"] + [""] * (len(keys) - 1))
    return headers, rows


def _label(section: str | None, value):
    if section is None or value is None:
        return _cell(value)
    return ZH(f"{section}.{value}", default=str(value))


def _cell(value):
    if isinstance(value, (list, tuple)):
        return "；".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}={v}" for k, v in value.items())
    return value


def cases_rows(session: Session, actor, on: date) -> Table:
    start = on - timedelta(days=TREND_DAYS - 1)
    items, total = _paged(lambda page: cases.list_cases(session, scope=actor.jurisdiction, reported_from=start,
                                                        reported_to=on, page=page, per_page=MAX_PER_PAGE))
    return _table(["编号", "姓名", "证件号（脱敏）", "类型", "来源", "报告日期", "区县", "社区"],
                  ["id", "name", "document_masked", "kind", "source", "reported_on", "district_name",
                   "community_name"], items, total, {"source": "dashboard.case_sources"})


def zones_rows(session: Session, actor, on: date) -> Table:
    items, total = _paged(lambda page: zones.list_zones(session, scope=actor.jurisdiction, state="in_force",
                                                        page=page, per_page=MAX_PER_PAGE))
    return _table(["编号", "等级", "区县", "范围", "划定日期", "感染者数", "最近感染日期"],
                  ["id", "tier", "district", "granularity", "designated_on", "infections", "last_infection_on"],
                  items, total, {"tier": "zones.tiers", "granularity": "zones.kinds"})


def managed_rows(session: Session, actor, on: date) -> Table:
    items, total = _paged(lambda page: managed_queries.list_managed(
        session, scope=actor.jurisdiction, release_from=on, release_to=on, on=on, page=page, per_page=MAX_PER_PAGE))
    return _table(["编号", "姓名", "证件号（脱敏）", "类别", "状态", "阶段", "解除日期", "区县", "社区"],
                  ["id", "name", "document_masked", "category", "status", "phase_kind", "release_on",
                   "district_name", "community_name"], items, total,
                  {"category": "managed.categories", "status": "managed.statuses", "phase_kind": "managed.phase_kinds"})


def quarantine_rows(session: Session, actor, on: date) -> Table:
    answer = quarantine.occupancy(session, scope=quarantine.scope_of(session, actor), start=on)
    return _table(["隔离点", "归属", "状态", "床位", "已用", "明日离开", "明日腾空房间"],
                  ["name", "access", "status", "beds", "occupied", "departing", "rooms_freed"], answer["sites"],
                  labels={"access": "quarantine.accesses", "status": "quarantine.site_statuses"})


def lab_rows(session: Session, actor, on: date) -> Table:
    pools = lab_queries.positive_pools(session, actor.jurisdiction)
    return _table(["轮次", "阳性混管条码", "人数", "已单采", "已排除", "阳性", "发现时间", "社区", "全部单采用时（分钟）"],
                  ["round_id", "barcode", "people", "resampled", "cleared", "positive", "opened_at", "community",
                   "minutes_to_all_resampled"], pools[:MAX_ROWS], len(pools))


def hotline_rows(session: Session, actor, on: date) -> Table:
    items, total = _paged(lambda page: hotline_queries.list_tickets(session, actor=actor, due="overdue", page=page,
                                                                    per_page=MAX_PER_PAGE))
    return _table(["工单号", "类型", "主题", "区县", "承办部门", "状态", "受理时间", "答复期限", "诉求"],
                  ["id", "kind", "topic_name", "district", "department", "state", "received_at", "reply_due_at",
                   "text"], items, total, {"kind": "hotline.kinds", "state": "hotline.states"})


def inspection_rows(session: Session, actor, on: date) -> Table:
    items, total = _paged(lambda page: inspection.list_items(session, scope=actor.jurisdiction, state="open",
                                                             page=page, per_page=MAX_PER_PAGE)[:2])
    return _table(["编号", "来源", "区县", "发现日期", "地点", "问题", "责任单位", "整改期限", "是否逾期"],
                  ["id", "source", "district", "found_on", "place", "problem", "responsible_unit", "deadline",
                   "overdue"], items, total, {"source": "inspection.sources"})


def over_enforcement_rows(session: Session, actor, on: date) -> Table:
    people = overrides.over_enforcement_report(session, scope=actor.jurisdiction, on=on)
    zone_items = zones.over_enforcement_items(session, scope=actor.jurisdiction, on=on)
    rows = [{"kind": "本地加码措施", "ref": o["id"], "what": o.get("category") or "", "why": o.get("reason")}
            for o in people["overrides"]]
    rows += [{"kind": "严于现行方案的管控方案", "ref": x["person_id"], "what": _label("managed.categories", x["category"]),
              "why": x["reasons"]}
             for x in people["plans"]]
    rows += [{"kind": "风险区逾期未解封", "ref": x["zone_id"], "what": x["action"], "why": f"逾期 {x['days_late']} 天"}
             for x in zone_items["overdue"]]
    rows += [{"kind": "风险区划定范围过大", "ref": x["zone_id"], "what": x["granularity"], "why": x["allowed"]}
             for x in zone_items["wider"]]
    rows += [{"kind": "风险区扩大或延长封控", "ref": x.get("zone_id"), "what": x.get("kind"), "why": x.get("reason")}
             for x in zone_items["overrides"]]
    return _table(["类型", "编号", "对象", "原因"], ["kind", "ref", "what", "why"], rows[:MAX_ROWS], len(rows))


def module_rows(report_rows) -> Callable[[Session, object, date], Table]:
    """A sheet from a module's `figures.report_rows(session, on=, scope=)`."""
    def rows(session: Session, actor, on: date) -> Table:
        return report_rows(session, on=on, scope=actor.jurisdiction)
    return rows


ROWS: dict[str, Callable[[Session, object, date], Table]] = {
    "cases": cases_rows, "zones": zones_rows, "managed": managed_rows, "quarantine": quarantine_rows,
    "lab": lab_rows, "hotline": hotline_rows, "inspection": inspection_rows,
    "over_enforcement": over_enforcement_rows, "supplies": module_rows(supplies_figures.report_rows),
    "enterprises": module_rows(enterprises_figures.report_rows),
}
