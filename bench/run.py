"""Run the benchmark scenarios: `python -m bench.run [--scenario NAME] [--population N]`.

Each scenario works in a temporary directory of its own, prints a table and writes
bench/results/<scenario>.json.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
SCENARIOS = ("demo_generation", "policy_switch", "managed_list", "zones_daily", "tracing", "tracing_chains",
             "tracing_api", "lab", "quarantine", "hotline", "supplies", "enterprises", "dashboard")


def machine() -> dict:
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=SCENARIOS, action="append",
                        help="scenario to run (repeatable; default: all)")
    parser.add_argument("--population", type=int, default=3_100_000,
                        help="residents in the demo city (default 3,100,000)")
    args = parser.parse_args(argv)
    # keys of our own: a benchmark never touches the configured database or its key
    os.environ.setdefault("FANGKONG_DATA_KEY", base64.urlsafe_b64encode(os.urandom(32)).decode())
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in args.scenario or SCENARIOS:
        if name == "demo_generation":
            from bench import demo_generation

            result = demo_generation.run(args.population)
        elif name == "policy_switch":
            from bench import policy_switch

            result = policy_switch.run()
        elif name == "tracing":
            from bench import tracing

            result = tracing.run()
        elif name == "tracing_chains":
            from bench import tracing_chains

            result = tracing_chains.run()
        elif name == "tracing_api":
            from bench import tracing_api

            result = tracing_api.run()
        elif name == "quarantine":
            from bench import quarantine

            result = quarantine.run()
        elif name == "supplies":
            from bench import supplies

            result = supplies.run()
        elif name == "hotline":
            from bench import hotline

            result = hotline.run()
        elif name == "enterprises":
            from bench import enterprises

            result = enterprises.run()
        elif name == "lab":
            from bench import lab

            result = lab.run()
        elif name == "dashboard":
            from bench import dashboard

            result = dashboard.run()
        elif name == "zones_daily":
            from bench import zones_daily

            result = zones_daily.run()
        else:
            from bench import managed_list

            result = managed_list.run()
        result["machine"] = machine()
        path = RESULTS / f"{name}.json"
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
