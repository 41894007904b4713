"""The lab API: a sampling app's token posts batches, a lab's token posts receptions and results; every
refusal is in the error model (4xx, never 500); the capacity figures come back per lab and day."""

from __future__ import annotations

from sqlalchemy import func, select

import factories
import lab_factories as lf
from fangkong.core.tokens import create_token
from fangkong.lab.models import ResampleTask


def _token(session, role: str, scope: str) -> dict:
    owner = factories.user(session, role=role, jurisdiction="140200")
    _row, token = create_token(session, username=owner.username, name=f"{role} app", scopes=[scope])
    return {"Authorization": f"Bearer {token}"}


def test_sampling_app_batch_then_lab_results_flag_a_positive_pool(client, session):
    w = lf.world(session, capacity=4)
    sampler = _token(session, "community_worker", "lab.sample")
    numbers = [factories.id_number(seq=600 + i) for i in range(12)]
    samples = [{"tube_barcode": "A1", "pool_size": 10, "point_code": w["point"].code,
                "sampled_at": "2022-11-12T08:00", "id_number": n} for n in numbers[:11]]
    samples.append({"tube_barcode": "B1", "pool_size": "1", "point_code": w["point"].code,
                    "sampled_at": "2022-11-12T08:10", "document_kind": "passport", "document_number": "G7654321"})
    body = {"round_id": w["round"].id, "samples": samples}
    answer = client.post("/api/v1/lab/samples:batch", json=body, headers=sampler)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"received": 12, "inserted": 11, "duplicates": 0, "refused": [
        {"line": 11, "code": "tube_full", "reason": "tube_barcode: A1 already holds 10 people (10-in-1)"}]}
    assert client.post("/api/v1/lab/samples:batch", json=body, headers=sampler).json()["duplicates"] == 11
    for bad in ({"round_id": w["round"].id, "samples": []}, {"samples": samples}, {"round_id": 0, "samples": samples},
                {"round_id": w["round"].id, "samples": [{"tube_barcode": {"x": 1}}]},
                {"round_id": w["round"].id, "samples": [{}] * 10_001}):
        refused = client.post("/api/v1/lab/samples:batch", json=bad, headers=sampler)
        assert refused.status_code == 422 and refused.json()["error"]["code"], refused.text[:200]
    missing = client.post("/api/v1/lab/samples:batch", json={**body, "round_id": 99999}, headers=sampler)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    lab = _token(session, "lab_operator", "lab.results")
    assert client.post("/api/v1/lab/samples:batch", json=body, headers=lab).status_code == 403

    results = {"round_id": w["round"].id, "results": [
        {"tube_barcode": "A1", "lab_code": w["lab"].code, "received_at": "2022-11-12T09:30"},
        {"tube_barcode": "B1", "lab_code": w["lab"].code, "received_at": "2022-11-12T09:40"},
        {"tube_barcode": "A1", "lab_code": w["lab"].code, "result": "positive", "ct_orf": "31.2", "ct_n": 30.8,
         "tested_at": "2022-11-12T13:00"},
        {"tube_barcode": "B1", "lab_code": w["lab"].code, "result": "positive", "tested_at": "2022-11-12T13:10"},
        {"tube_barcode": "ZZ", "lab_code": w["lab"].code, "result": "negative", "tested_at": "2022-11-12T13:00"},
        {"tube_barcode": "B1", "lab_code": "NOLAB", "result": "negative", "tested_at": "2022-11-12T13:00"},
    ]}
    answer = client.post("/api/v1/lab/results:batch", json=results, headers=lab)
    assert answer.status_code == 200, answer.text
    assert answer.json()["inserted"] == 3
    assert [(r["line"], r["code"]) for r in answer.json()["refused"]] == [
        (4, "ct_required"), (5, "unknown_tube"), (6, "unknown_lab")]
    assert session.scalar(select(func.count()).select_from(ResampleTask)) == 10
    again = client.post("/api/v1/lab/results:batch", json=results, headers=lab).json()
    assert (again["inserted"], again["duplicates"]) == (0, 3)
    assert session.scalar(select(func.count()).select_from(ResampleTask)) == 10

    viewer = _token(session, "commander", "lab.view")
    figures = client.get("/api/v1/lab/capacity", headers=viewer).json()
    [day] = figures["days"]
    # 2 tubes received, 1 tested (A1 at 13:00, 5 h after sampling), capacity 4 a day
    assert (day["received"], day["tested"], day["pending"], day["positive"], day["load"]) == (2, 1, 1, 1, 0.25)
    assert figures["turnaround"]["counts"] == [1, 0, 0, 0, 0] and figures["turnaround"]["share_within_target"] == 1.0
    [pool] = figures["positive_pools"]
    assert (pool["barcode"], pool["people"], pool["resampled"], pool["all_resampled"]) == ("A1", 10, 0, False)


def test_rounds_api_refuses_area_testing_without_a_reason_of_the_pack(login_as, session):
    district = lf.world(session)["point"].district_id
    commander = login_as("commander")
    body = {"name": "全员核酸", "scope_kind": "districts", "scope_ids": [district], "reason": "voluntary",
            "starts_at": "2022-11-12T06:00"}
    refused = commander.post("/api/v1/lab/rounds", json=body)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "mass_testing_not_allowed"
    created = commander.post("/api/v1/lab/rounds", json={**body, "reason": "long_running_spread"})
    assert created.status_code == 201 and created.json()["target_at"].startswith("2022-11-13T06:00")
    assert commander.post("/api/v1/lab/rounds", json={**body, "scope_kind": "county"}).status_code == 422
