"""`fangkong policy …` as a user runs it: the JSON contract exact, refusals one line with exit 2."""

import json
import os
import subprocess
import sys

import pytest
from policy.planning import d

from fangkong.cli import main
from fangkong.policy.registry import BUILTIN_DIR


def run_cli(*args, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "fangkong", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def one_line_error(result) -> str:
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def run_inline(capsys, *args):
    """The same entry point in-process (quicker): returns (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as caught:
        main(list(args))
    out, err = capsys.readouterr()
    return caught.value.code, out, err


def test_plan_json_contract_exact():
    result = run_cli("policy", "plan", "--pack", "measures20", "--category", "close_contact",
                     "--anchor", "2022-11-10", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        '{"pack": "measures20", "category": "close_contact", "anchor": "2022-11-10", "phases": ['
        '{"kind": "centralized_quarantine", "start": "2022-11-11", "end": "2022-11-15", '
        '"test_days": ["2022-11-11", "2022-11-12", "2022-11-13", "2022-11-15"]}, '
        '{"kind": "home_quarantine", "start": "2022-11-16", "end": "2022-11-18", '
        '"test_days": ["2022-11-16", "2022-11-18"]}], "release_on": "2022-11-19"}\n'
    )


def test_category_not_identified_is_one_line_exit_2():
    line = one_line_error(run_cli("policy", "plan", "--pack", "measures20", "--category", "secondary_contact",
                                  "--anchor", "2022-11-12", "--json"))
    assert line == ("fangkong: pack measures20 does not identify secondary_contact: "
                    "secondary contacts are no longer identified; tracing must not produce them")


def test_validate_refuses_a_test_day_outside_its_phase(tmp_path):
    text = (BUILTIN_DIR / "measures20.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("days = 3, test_days = [1, 3] },\n]\n\n[categories.secondary_contact]",
                                "days = 3, test_days = [1, 4] },\n]\n\n[categories.secondary_contact]", 1),
                   encoding="utf-8")
    line = one_line_error(run_cli("policy", "validate", str(bad)))
    assert line == f"fangkong: {bad}: categories.close_contact.phases[1].test_days[1]: test day 4 is outside the phase (1..3)"


def test_validate_ok(capsys):
    code, out, _ = run_inline(capsys, "policy", "validate", str(BUILTIN_DIR / "ed9.toml"))
    assert code == 0
    assert out == f"ok: {BUILTIN_DIR / 'ed9.toml'} is a valid pack (ed9, from 2022-06-28 until 2022-11-11)\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (("validate", "/nonexistent/pack.toml"), "fangkong: /nonexistent/pack.toml: no such file"),
        (("plan", "--pack", "ed9", "--category", "case", "--anchor", "2022-11-01"),
         "fangkong: pack ed9 has no quarantine plan for case: confirmed cases and asymptomatic infections go to "
         "treatment or centralized isolation, not a quarantine plan"),
        (("plan", "--pack", "ed8", "--category", "inbound", "--anchor", "2022-11-01"),
         "fangkong: no policy pack 'ed8'; known: ed9, measures20"),
        (("plan", "--category", "inbound", "--anchor", "2022-11-31"),
         "fangkong: --anchor: '2022-11-31' is not a date like 2022-11-10"),
        (("plan", "--category", "inbound", "--anchor", "2021-01-01"),
         "fangkong: no policy pack is in force on 2021-01-01"),
        (("show", "ed8"), "fangkong: no policy pack 'ed8'; known: ed9, measures20"),
    ],
)
def test_refusals_are_one_line(capsys, args, message):
    code, out, err = run_inline(capsys, "policy", *args)
    assert (code, out, err) == (2, "", message + "\n")


def test_plan_defaults_to_the_pack_in_force_on_the_anchor(capsys):
    code, out, _ = run_inline(capsys, "policy", "plan", "--category", "close_contact", "--anchor", "2022-11-06", "--json")
    assert code == 0 and json.loads(out)["pack"] == "ed9" and json.loads(out)["release_on"] == "2022-11-17"
    code, out, _ = run_inline(capsys, "policy", "plan", "--category", "close_contact", "--anchor", "2022-11-11", "--json")
    assert json.loads(out)["pack"] == "measures20"


def test_plan_human_output_says_what_is_not_owed(capsys):
    code, out, _ = run_inline(capsys, "policy", "plan", "--pack", "measures20", "--category", "close_contact",
                              "--anchor", "2022-11-10", "--identified", "2022-11-13")
    assert code == 0
    assert out.splitlines() == [
        "measures20 · close_contact · anchor 2022-11-10 (day 0)",
        "  centralized_quarantine  2022-11-11 .. 2022-11-15  (5 d)  tests: 2022-11-11, 2022-11-12, 2022-11-13, 2022-11-15",
        "  home_quarantine         2022-11-16 .. 2022-11-18  (3 d)  tests: 2022-11-16, 2022-11-18",
        "release on 2022-11-19",
        "not owed before 2022-11-13 (identified): 2 test days before it missed, not due",
    ]


def test_list_and_show(capsys):
    code, out, _ = run_inline(capsys, "policy", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "title", "effective"]
    assert lines[1].startswith("ed9 ") and "from 2022-06-28 until 2022-11-11" in lines[1]
    assert "in force" not in lines[1]
    assert lines[2].startswith("measures20 ") and lines[2].rstrip().endswith("in force")  # clock: 2022-11-13
    code, out, _ = run_inline(capsys, "policy", "show", "measures20")
    assert code == 0
    assert ("  close_contact (anchor last_exposure): 5 d centralized_quarantine (tests day 1, 2, 3, 5) "
            "+ 3 d home_quarantine (tests day 1, 3)") in out.splitlines()
    assert "  secondary_contact: not identified: secondary contacts are no longer identified; " \
           "tracing must not produce them" in out.splitlines()
    assert "  high → low: 5 clean days, full round within_24h_before" in out.splitlines()


def test_a_city_pack_directory_from_the_environment(tmp_path, capsys, monkeypatch):
    text = (BUILTIN_DIR / "measures20.toml").read_text(encoding="utf-8")
    text = text.replace('id = "measures20"', 'id = "datong"').replace("effective_from = 2022-11-11",
                                                                      "effective_from = 2022-12-07")
    text = text.replace("days = 5, test_days = [1, 2, 3, 5] },\n  { kind = \"home_quarantine\", days = 3",
                        "days = 5, test_days = [1, 2, 3, 5] },\n  { kind = \"home_quarantine\", days = 2", 1)
    text = text.replace("days = 2, test_days = [1, 3]", "days = 2, test_days = [1, 2]", 1)
    (tmp_path / "datong.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("FANGKONG_POLICY_PACKS_DIR", str(tmp_path))
    code, out, err = run_inline(capsys, "policy", "plan", "--category", "close_contact", "--anchor", "2022-12-08",
                                "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["pack"] == "datong" and d(plan["release_on"]) == d("2022-12-16")
