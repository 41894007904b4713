"""The bare FastAPI endpoint the scan API is measured against (bench/tracing_api.py): the same JSON
body read as a dict, a constant answer, a sync `def` like our route; no database, no auth."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.post("/bare")
def bare(body: dict) -> dict:
    return {"received": len(body.get("scans", ())), "inserted": 0, "duplicates": 0, "refused": []}
