"""Which database errors mean "try later", and which of those still let a read through."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from models.errors import is_busy, is_unavailable


def test_a_write_refused_for_a_lock_held_by_another_is_busy_not_unreachable(
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
        assert is_unavailable(refused.value)
        assert is_busy(refused.value)
        with waiter.connect() as reader:
            assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 0
        first.rollback()


def test_a_database_that_cannot_be_opened_is_unreachable_not_busy(tmp_path: Path) -> None:
    missing = create_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.sqlite'}")
    with pytest.raises(DBAPIError) as failed:
        missing.connect()
    assert is_unavailable(failed.value)
    assert not is_busy(failed.value)
