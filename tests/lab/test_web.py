"""The lab pages: capacity, turnaround and positive pools; uploads with line-numbered refusals; a
resident's test history, masked, with the test days of their plan fulfilled by matching samples."""

from __future__ import annotations

import factories
import lab_factories as lf
import zone_factories as zf
from fangkong.core.pii import mask_id_number


def test_lab_page_upload_and_figures(login_as, session):
    w = lf.world(session, capacity=10)
    numbers = [factories.id_number(seq=700 + i) for i in range(3)]
    page = login_as("prevention", "140200")
    csv = ("tube_barcode,pool_size,point_code,sampled_at,id_number\n"
           + "".join(f"W1,5,{w['point'].code},2022-11-12T08:00,{n}\n" for n in numbers)
           + f"W2,5,{w['point'].code},yesterday,{numbers[0]}\n")
    answer = page.post(f"/lab/rounds/{w['round'].id}/samples", files={"file": ("round.csv", csv.encode(), "text/csv")})
    assert answer.status_code == 200, answer.text
    report = answer.text.split('data-testid="lab-report"')[1].split("</section>")[0]
    assert "读取 4 条：新增 3 条，重复 0 条，拒收 1 条" in report and "第 5 行" in report and "sampled_at" in report
    lf.result(session, w, "W1", "positive", at="2022-11-12T20:30")
    shown = page.get("/lab").text
    pools = shown.split('data-testid="positive-pools"')[1].split("</section>")[0]
    assert "W1" in pools and "0/3" in pools and "处置中" in pools
    capacity = shown.split('data-testid="lab-capacity"')[1].split("</section>")[0]
    assert "2022-11-12" in capacity and "10%" in capacity  # 1 tube tested of 10 a day
    # 12.5 h from 08:00 to 20:30: over the 12 h histogram edge, within the voluntary 24 h target
    assert "1 管中 1 管在时限内（100.0%）" in shown
    english = page.get("/lab", headers={"Accept-Language": "en"}).text
    assert "Positive pooled tubes" in english or "混管阳性处置" in english


def test_person_history_is_masked_and_marks_the_plans_test_days(login_as, session):
    w = lf.world(session)
    number = factories.id_number(seq=808)
    resident = factories.resident(session, unit=w["unit"], by=w["actor"], id_number=number, name="李管控")
    factories.managed(session, anchor="2022-11-10", resident_id=resident.id, by=zf.actor(session, "prevention"))
    lf.sample(session, w, [lf.record("S9", number, point=w["point"], pool=1, at="2022-11-12T07:30")])
    lf.result(session, w, "S9", "negative", at="2022-11-12T11:00")
    page = login_as("community_worker", "140213")
    answer = page.get(f"/lab/people/{resident.id}")
    assert answer.status_code == 200
    assert mask_id_number(number) in answer.text and number not in answer.text
    history = answer.text.split('data-testid="lab-history"')[1].split("</section>")[0]
    assert "S9" in history and "阴性" in history
    plan = answer.text.split('data-testid="lab-plan"')[1].split("</section>")[0]
    # close contact anchored 11-10 under measures20: tests on days 1, 2, 3, 5 → 11-10, 11-11, 11-12, 11-14
    assert "<td>2022-11-12</td><td>✓</td><td>阴性</td>" in plan
    assert "<td>2022-11-11</td><td>—</td><td></td>" in plan
    assert page.get("/lab/people/999999").status_code == 404
