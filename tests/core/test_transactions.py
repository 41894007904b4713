"""A unit of work is one transaction on both databases, also when its first write is in a savepoint."""

import pytest
from sqlalchemy import func, select

from fangkong.core.db import unit_of_work
from fangkong.places.models import District


def _district(code: str) -> District:
    return District(code=code, name=f"区{code}", name_en=f"D{code}", kind="district", lat=40.0, lon=113.0)


def _districts(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(District)).scalar_one()


def test_rows_written_in_a_savepoint_are_rolled_back_with_the_unit_of_work(fresh_database):
    engine = fresh_database.engine
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        session.execute(select(District.id)).all()  # only a read before the savepoint
        with session.begin_nested():
            session.add(_district("149901"))
        session.add(_district("149902"))
        session.flush()
        raise RuntimeError("the unit of work fails after its savepoint was released")
    assert _districts(engine) == 0


def test_a_released_savepoint_is_committed_with_its_unit_of_work(fresh_database):
    engine = fresh_database.engine
    with unit_of_work(engine) as session:
        with session.begin_nested():
            session.add(_district("149901"))
        with session.begin_nested() as refused:
            session.add(_district("149902"))
            session.flush()
            refused.rollback()
    assert _districts(engine) == 1
