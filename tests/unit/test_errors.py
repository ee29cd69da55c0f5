"""Which database errors cut a connection off (a next statement would fail too), and which
only refuse a write (a read may still succeed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from models.errors import is_cut_off, is_unavailable


def test_a_write_refused_for_a_lock_held_by_another_leaves_reading_possible(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'locked.sqlite'}"
    holder = create_engine(url)
    waiter = create_engine(url, connect_args={"timeout": 0})
    with holder.connect() as first:
        first.execute(text("CREATE TABLE t (x INTEGER)"))
        first.commit()
        first.exec_driver_sql("BEGIN IMMEDIATE")
        with waiter.connect() as second, pytest.raises(DBAPIError) as refused:
            second.execute(text("INSERT INTO t VALUES (1)"))
        assert is_unavailable(refused.value), "the writer is told to try later"
        assert not is_cut_off(refused.value)
        with waiter.connect() as reader:
            assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 0
        first.rollback()


def test_no_connection_free_in_the_pool_cuts_off(tmp_path: Path) -> None:
    engine = create_engine(
        f"sqlite:///{tmp_path / 'pool.sqlite'}", pool_size=1, max_overflow=0, pool_timeout=0.05
    )
    with engine.connect(), pytest.raises(PoolTimeout) as waited:
        engine.connect()
    assert is_unavailable(waited.value)
    assert is_cut_off(waited.value)
