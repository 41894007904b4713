"""The authorization matrix's request examples: how to call each route with path parameters or a body.

A World holds, for each of the two districts (平城区 140213 and 云冈区 140214), the objects the examples
name; an Example says how to call a route and what it answers on success. The quarantine, supplies and
enterprises examples live beside their factories. Used by tests/core/test_authorization_*.py through
tests/matrix.py.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import xlsxwriter

import enterprises_factories
import factories
import lab_factories
import quarantine_factories
import supplies_factories

OWN, OTHER = "140213", "140214"

@dataclass
class World:
    """One resident and one unit in each district, created in the test's rollback session."""

    units: dict[str, int] = field(default_factory=dict)
    residents: dict[str, int] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)
    managed: dict[str, int] = field(default_factory=dict)  # a resident under management in each district
    zones: dict[str, dict] = field(default_factory=dict)  # zone_factories.matrix_zones of each district
    tracing: dict[str, dict] = field(default_factory=dict)  # tracing_factories.matrix_tracing of each district
    quarantine: dict[str, dict] = field(default_factory=dict)  # quarantine_factories.matrix_quarantine of each
    hotline: dict[str, dict] = field(default_factory=dict)  # hotline_factories.matrix_hotline of each district
    lab: dict[str, dict] = field(default_factory=dict)  # lab_factories.matrix_lab of each district
    supplies: dict[str, dict] = field(default_factory=dict)  # supplies_factories.matrix_supplies of each district
    enterprises: dict[str, dict] = field(default_factory=dict)  # enterprises_factories.matrix_enterprises of each


@dataclass(frozen=True)
class Example:
    """How to call a route: path parameters, body, and its success status."""

    path: Callable[[World, str], dict] | None = None
    json: Callable[[World, str], dict] | None = None
    form: Callable[[World, str], dict] | None = None
    files: Callable[[World, str], dict] | None = None  # multipart uploads: {"field": (name, bytes, type)}
    ok: int = 200
    about_an_object: bool = False  # answers 404 for objects outside the caller's jurisdiction
    other_hidden_in_body: bool = False  # a page that answers 200 either way but must not show the other's record


def _resident_path(world: World, where: str) -> dict:
    return {"resident_id": world.residents[where]}


_passports = itertools.count(1)


def _non_resident(world: World, where: str) -> dict:
    return {
        "category": "inbound", "anchor": "2022-11-12", "source": "inbound", "name": "Jane Roe",
        "document_kind": "passport", "document_number": f"E{next(_passports):08d}", "unit_id": world.units[where],
    }


def _managed_xlsx(world: World, where: str) -> dict:
    """A one-row import naming the resident of `where` (refused, not an error, when outside the caller's reach)."""
    out = io.BytesIO()
    with xlsxwriter.Workbook(out) as workbook:
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, ["身份证号", "类别", "锚定日期"])
        sheet.write_row(1, 0, [world.numbers[where], "密切接触者", "2022-11-12"])
    return {"file": ("managed.xlsx", out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


def _zone(purpose: str, key: str = "zone_id"):
    return lambda world, where: {key: world.zones[where][purpose]}


_round_minutes = itertools.count(1)


def _round(world: World, where: str) -> dict:
    return {"sampled_at": f"2022-11-13T07:{next(_round_minutes) % 60:02d}", "result": "negative"}


def _case(world: World, where: str) -> dict:
    return {"reported_on": "2022-11-13", "name": "Jane Roe", "document_kind": "passport",
            "document_number": f"C{next(_passports):08d}", "home_unit_id": world.units[where]}


def _override(world: World, where: str) -> dict:
    return {
        "district": where, "category": "close_contact", "phase_kind": "home_quarantine", "extra_days": 1,
        "reason": "矩阵测试", "starts_on": "2022-11-12", "ends_on": "2022-11-20",
    }


def _tracing_case(world: World, where: str) -> dict:
    return {"case_id": world.tracing[where]["case"]}


def _fresh_candidate(world: World, where: str) -> dict:
    return {"candidate_id": world.tracing[where]["candidate"]()}


def _entry_check(world: World, where: str) -> dict:
    return {"venue_code": world.tracing[where]["venue_code"], "checked_at": "2022-11-13T08:00",
            "temperature": 36.6, "resident_id": world.residents[where]}


def _hotline(step: str) -> Callable[[World, str], dict]:
    return lambda world, where: {"ticket_id": world.hotline[where][step]}


def _item(name: str) -> Callable[[World, str], dict]:
    return lambda world, where: {"item_id": world.hotline[where][name]}
def _lab_upload(kind: str):
    def files(world: World, where: str) -> dict:
        m = world.lab[where]
        if kind == "samples":
            text = (f"tube_barcode,pool_size,point_code,sampled_at,id_number\n"
                    f"{m['barcode']},10,{m['point']},2022-11-12T08:00,{m['number']}\n")
        else:
            text = f"tube_barcode,lab_code,received_at\n{m['barcode']},{m['lab']},2022-11-12T10:00\n"
        return {"file": (f"{kind}.csv", text.encode(), "text/csv")}
    return files


EXAMPLES: dict[tuple[str, str], Example] = {
    # nucleic acid testing (tests/lab_factories.py: a districts round with a stored tube in each district)
    ("POST", "/api/v1/lab/rounds"): Example(json=lambda w, where: {
        "name": "矩阵轮次", "scope_kind": "districts", "scope_ids": [w.lab[where]["district"]],
        "reason": "source_unclear", "starts_at": "2022-11-12T06:00"}, ok=201, about_an_object=True),
    ("POST", "/api/v1/lab/samples:batch"): Example(json=lambda w, where: lab_factories.sample_body(w.lab[where]),
                                                   about_an_object=True),
    ("POST", "/api/v1/lab/results:batch"): Example(json=lambda w, where: lab_factories.result_body(w.lab[where]),
                                                   about_an_object=True),
    ("POST", "/lab/rounds/{round_id}/samples"): Example(
        path=lambda w, where: {"round_id": w.lab[where]["round"]}, files=_lab_upload("samples"), about_an_object=True),
    ("POST", "/lab/rounds/{round_id}/results"): Example(
        path=lambda w, where: {"round_id": w.lab[where]["round"]}, files=_lab_upload("results"), about_an_object=True),
    ("GET", "/lab/people/{resident_id}"): Example(path=_resident_path, about_an_object=True),
    ("POST", "/login"): Example(form=lambda w, _: {"username": "nobody", "password": "wrong-password"}),
    ("POST", "/logout"): Example(form=lambda w, _: {}),
    ("GET", "/lang/{code}"): Example(path=lambda w, _: {"code": "en"}),
    ("POST", "/people/residents/search"): Example(
        form=lambda w, where: {"id_number": w.numbers[where]}, about_an_object=True, other_hidden_in_body=True
    ),
    ("POST", "/people/residents/{resident_id}/reveal"): Example(
        path=_resident_path, form=lambda w, _: {"reason": "流调核实"}, about_an_object=True
    ),
    ("POST", "/api/v1/residents"): Example(
        json=lambda w, where: {"name": "新居民", "id_number": factories.id_number(), "home_unit_id": w.units[where]},
        ok=201,
        about_an_object=True,
    ),
    ("POST", "/api/v1/residents/lookup"): Example(
        json=lambda w, where: {"id_number": w.numbers[where]}, about_an_object=True
    ),
    ("GET", "/api/v1/residents/{resident_id}"): Example(path=_resident_path, about_an_object=True),
    ("POST", "/api/v1/managed"): Example(json=_non_resident, ok=201, about_an_object=True),
    ("GET", "/api/v1/managed/{person_id}"): Example(
        path=lambda w, where: {"person_id": w.managed[where]}, about_an_object=True
    ),
    ("POST", "/api/v1/policy/switch"): Example(
        json=lambda w, _: {"to": "measures20", "effective": "2022-11-11", "dry_run": True}
    ),
    ("POST", "/api/v1/overrides"): Example(json=_override, ok=201, about_an_object=True),
    ("POST", "/api/v1/managed/import"): Example(files=_managed_xlsx),
    ("GET", "/people/managed/{person_id}"): Example(
        path=lambda w, where: {"person_id": w.managed[where]}, about_an_object=True
    ),
    ("POST", "/people/managed/import"): Example(files=_managed_xlsx),
    ("POST", "/people/managed/export"): Example(form=lambda w, where: {"district": where}, about_an_object=True),
    ("POST", "/policy/switch/preview"): Example(form=lambda w, _: {"to": "measures20", "effective": "2022-11-11"}),
    # without the confirmation box: refused before anything is applied (applying is tested in tests/people)
    ("POST", "/policy/switch/apply"): Example(form=lambda w, _: {"to": "measures20", "effective": "2022-11-11"}, ok=422),
    ("POST", "/api/v1/residents/export"): Example(json=lambda w, where: {"district": where}, about_an_object=True),
    ("POST", "/people/residents/export"): Example(form=lambda w, where: {"district": where}, about_an_object=True),
    ("POST", "/api/v1/residents/{resident_id}/reveal"): Example(
        path=_resident_path, json=lambda w, _: {"reason": "流调核实"}, about_an_object=True
    ),
    # risk zones and the case register (tests/zone_factories.py builds a set of zones in each district)
    ("POST", "/api/v1/cases"): Example(json=_case, ok=201, about_an_object=True),
    ("GET", "/api/v1/cases/{case_id}"): Example(path=_zone("case", "case_id"), about_an_object=True),
    ("GET", "/api/v1/zones/{zone_id}"): Example(path=_zone("view"), about_an_object=True),
    ("POST", "/api/v1/zones/{zone_id}/approve"): Example(path=_zone("approve_api"), about_an_object=True),
    ("POST", "/api/v1/zones/{zone_id}/reject"): Example(
        path=_zone("reject_api"), json=lambda w, _: {"reason": "矩阵测试"}, about_an_object=True),
    ("POST", "/api/v1/zones/{zone_id}/widen"): Example(
        path=_zone("widen_api"), json=lambda w, _: {"to": "building", "reason": "矩阵测试"}, about_an_object=True),
    ("POST", "/api/v1/zones/{zone_id}/rounds"): Example(path=_zone("view"), json=_round, ok=201, about_an_object=True),
    ("GET", "/api/v1/zones/{zone_id}/residents"): Example(path=_zone("view"), about_an_object=True),
    ("POST", "/api/v1/zones/{zone_id}/departures"): Example(
        path=_zone("view"), json=lambda w, where: {"resident_id": w.zones[where]["departing"], "left_on": "2022-11-13"},
        about_an_object=True),
    ("POST", "/api/v1/zones/proposals/{proposal_id}/approve"): Example(
        path=_zone("p_approve_api", "proposal_id"), about_an_object=True),
    ("POST", "/api/v1/zones/proposals/{proposal_id}/reject"): Example(
        path=_zone("p_reject_api", "proposal_id"), json=lambda w, _: {"reason": "矩阵测试", "keep_until": "2022-11-15"},
        about_an_object=True),
    ("POST", "/api/v1/zones/daily"): Example(json=lambda w, _: {}),
    ("GET", "/api/v1/units/{unit_id}/tier"): Example(path=lambda w, where: {"unit_id": w.units[where]}),
    ("GET", "/api/v1/residents/{resident_id}/tier"): Example(path=_resident_path, about_an_object=True),
    ("POST", "/zones/daily"): Example(form=lambda w, _: {}),
    # contact tracing (tests/tracing_factories.py: a venue per district, fresh candidates of its case)
    ("POST", "/api/v1/tracing/scans:batch"): Example(json=lambda w, where: {"scans": [
        {"venue_code": w.tracing[where]["venue_code"], "scanned_at": "2022-11-13T08:00",
         "resident_id": w.residents[where]}]}),
    ("POST", "/api/v1/tracing/entry-checks"): Example(json=_entry_check, ok=201, about_an_object=True),
    ("GET", "/api/v1/tracing/cases/{case_id}/candidates"): Example(path=_tracing_case, about_an_object=True),
    ("POST", "/api/v1/tracing/cases/{case_id}/candidates"): Example(
        path=_tracing_case, json=lambda w, _: {}, about_an_object=True),
    ("POST", "/api/v1/tracing/candidates/{candidate_id}/confirm"): Example(
        path=_fresh_candidate, json=lambda w, _: {}, about_an_object=True),
    ("POST", "/api/v1/tracing/candidates/{candidate_id}/general"): Example(
        path=_fresh_candidate, json=lambda w, _: {}, about_an_object=True),
    ("POST", "/api/v1/tracing/candidates/{candidate_id}/dismiss"): Example(
        path=_fresh_candidate, json=lambda w, _: {"reason": "矩阵测试"}, about_an_object=True),
    ("GET", "/tracing/cases/{case_id}"): Example(path=_tracing_case, about_an_object=True),
    ("GET", "/api/v1/tracing/chains/{cluster_id}"): Example(
        path=lambda w, where: {"cluster_id": w.tracing[where]["case"]}, about_an_object=True),
    ("POST", "/tracing/cases/{case_id}/propose"): Example(path=_tracing_case, form=lambda w, _: {},
                                                          about_an_object=True),
    ("POST", "/tracing/candidates/{candidate_id}/decide"): Example(
        path=_fresh_candidate, form=lambda w, _: {"decision": "general"}, about_an_object=True),
    ("POST", "/tracing/scan"): Example(form=lambda w, where: {"venue_code": w.tracing[where]["venue_code"],
                                                              "resident_id": str(w.residents[where])}),
    ("GET", "/tracing/venues/{venue_id}/qr.png"): Example(path=lambda w, where: {"venue_id": w.tracing[where]["venue_id"]}),
    ("GET", "/tracing/venues/{venue_id}/qr.pdf"): Example(path=lambda w, where: {"venue_id": w.tracing[where]["venue_id"]}),
    ("GET", "/tracing/venues/{venue_id}/poster"): Example(
        path=lambda w, where: {"venue_id": w.tracing[where]["venue_id"]}),
    ("GET", "/tracing/venues/{venue_id}/poster.pdf"): Example(
        path=lambda w, where: {"venue_id": w.tracing[where]["venue_id"]}),
    ("GET", "/tracing/venues/{venue_id}/poster.png"): Example(
        path=lambda w, where: {"venue_id": w.tracing[where]["venue_id"]}),
    ("GET", "/dashboard/report.{fmt}"): Example(path=lambda w, _: {"fmt": "xlsx"}),
    ("GET", "/zones/{zone_id}"): Example(path=_zone("view"), about_an_object=True),
    ("GET", "/zones/{zone_id}/residents"): Example(path=_zone("view"), about_an_object=True),
    ("POST", "/zones/{zone_id}/approve"): Example(path=_zone("approve_page"), form=lambda w, _: {},
                                                  about_an_object=True),
    ("POST", "/zones/{zone_id}/reject"): Example(
        path=_zone("reject_page"), form=lambda w, _: {"reason": "矩阵测试"}, about_an_object=True),
    ("POST", "/zones/{zone_id}/widen"): Example(
        path=_zone("widen_page"), form=lambda w, _: {"to": "building", "reason": "矩阵测试"}, about_an_object=True),
    ("POST", "/zones/{zone_id}/rounds"): Example(path=_zone("view"), form=_round, about_an_object=True),
    ("POST", "/zones/proposals/{proposal_id}/approve"): Example(
        path=_zone("p_approve_page", "proposal_id"), form=lambda w, _: {}, about_an_object=True),
    ("POST", "/zones/proposals/{proposal_id}/reject"): Example(
        path=_zone("p_reject_page", "proposal_id"), form=lambda w, _: {"reason": "矩阵测试", "keep_until": "2022-11-15"},
        about_an_object=True),
    **{(method, f"/api/v1/hotline/tickets/{{ticket_id}}{suffix}"): Example(
        path=_hotline(step), json=body, about_an_object=True) for method, suffix, step, body in (
        ("GET", "", "read", None), ("POST", "/caller", "read", lambda w, _: {"reason": "矩阵测试"}),
        ("POST", "/dispatch", "dispatch", lambda w, where: {"department": f"matrix_{where}"}),
        ("POST", "/accept", "accept", None), ("POST", "/send-back", "send_back", lambda w, _: {"reason": "矩阵测试"}),
        ("POST", "/notes", "note", lambda w, _: {"text": "矩阵测试"}), ("POST", "/reply", "reply", lambda w, _: {"text": "答复"}),
        ("POST", "/close", "close", None), ("POST", "/visit", "visit", lambda w, _: {"satisfaction": "satisfied"}),
    )},
    ("POST", "/api/v1/hotline/tickets"): Example(json=lambda w, where: {
        "kind": "enquiry", "topic": "zones", "text": "矩阵测试", "district": where}, ok=201),
    ("POST", "/api/v1/hotline/sweep"): Example(),
    ("GET", "/api/v1/inspection/items/{item_id}"): Example(path=_item("item"), about_an_object=True),
    ("GET", "/api/v1/inspection/items/{item_id}/photo"): Example(path=_item("item_photo"), about_an_object=True),
    ("POST", "/api/v1/inspection/items/{item_id}/photo"): Example(
        path=_item("item_photo"), files=lambda w, _: {"photo": ("a.png", b"\x89PNG\r\n\x1a\n", "image/png")},
        about_an_object=True),
    ("POST", "/api/v1/inspection/items/{item_id}/close"): Example(
        path=_item("item_close"), json=lambda w, _: {"note": "矩阵测试"}, about_an_object=True),
    ("POST", "/api/v1/inspection/items"): Example(json=lambda w, where: {
        "group_no": 1, "place": "矩阵", "problem": "矩阵", "responsible_unit": "矩阵", "district": where}, ok=201),
    ("POST", "/api/v1/inspection/collect"): Example(json=lambda w, _: {}),
    ("POST", "/inspection/collect"): Example(form=lambda w, _: {}),
    ("POST", "/inspection/findings"): Example(form=lambda w, _: {
        "group_no": "1", "place": "矩阵", "problem": "矩阵", "responsible_unit": "矩阵"}),
    ("POST", "/inspection/items/{item_id}/close"): Example(
        path=_item("item_page_close"), form=lambda w, _: {"note": "矩阵测试"}, about_an_object=True),
    **{(method, f"/hotline/tickets/{{ticket_id}}{suffix}"): Example(
        path=_hotline(step), form=form, about_an_object=True) for method, suffix, step, form in (
        ("GET", "", "read", None), ("POST", "/accept", "page_accept", lambda w, _: {}),
        ("POST", "/reply", "page_reply", lambda w, _: {"text": "答复"}),
        ("POST", "/close", "page_close", lambda w, _: {}),
        ("POST", "/visit", "page_visit", lambda w, _: {"satisfaction": "satisfied"}),
        ("POST", "/send-back", "page_send_back", lambda w, _: {"reason": "矩阵测试"}),
        ("POST", "/notes", "page_note", lambda w, _: {"text": "矩阵测试"}),
    )},
    ("POST", "/hotline/tickets"): Example(form=lambda w, where: {
        "kind": "enquiry", "topic": "zones", "text": "矩阵测试", "district": where}),
    **{("GET", f"/open311/v2/{name}.{{fmt}}"): Example(path=lambda w, _: {"fmt": "json"})
       for name in ("discovery", "services", "requests")},
    ("GET", "/open311/v2/services/{service_code}.{fmt}"): Example(
        path=lambda w, _: {"service_code": "zones", "fmt": "json"}),
    ("GET", "/open311/v2/requests/{request_id}.{fmt}"): Example(
        path=lambda w, where: {"request_id": w.hotline[where]["read"], "fmt": "json"}),
    ("POST", "/open311/v2/requests.{fmt}"): Example(  # without an api_key: the spec's 403
        path=lambda w, _: {"fmt": "json"}, form=lambda w, _: {"service_code": "zones", "address_string": "x"}, ok=403),
}
EXAMPLES.update(quarantine_factories.matrix_examples(Example, OWN))
EXAMPLES.update(supplies_factories.matrix_examples(Example, OWN))
EXAMPLES.update(enterprises_factories.matrix_examples(Example, OWN))
