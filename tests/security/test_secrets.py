"""No secret at rest or in the logs: a key created with an Idempotency-Key appears nowhere in the
database (idempotency table included) nor in any log record; database errors hide their parameters;
idempotency records expire and are purged; on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from api.http.db.models import ApiKey, IdempotencyRecord, utcnow
from api.http.idempotency import purge_expired
from api.http.security import parse_key

from ..api_fixtures import service  # noqa: F401 - fixtures


def _database_text(svc) -> str:
    """Every row of every table of the service's database, as text."""
    with svc.client.app.state.sessions() as s:
        names = sa.inspect(s.get_bind()).get_table_names()
        rows = [repr(tuple(r)) for name in names for r in s.execute(sa.text(f'select * from "{name}"'))]
    return "\n".join(rows)


def test_a_created_key_is_nowhere_at_rest_nor_in_the_logs(service, caplog):  # noqa: F811
    """POST /v1/keys with an Idempotency-Key, then its replay: the key's text and its secret part are
    in no table (the idempotency row holds `key` null) and in no log record, at DEBUG."""
    caplog.set_level(logging.DEBUG)
    c, headers = service.client, service.auth("admin", **{"Idempotency-Key": "new-key"})
    first = c.post("/v1/keys", json={"role": "viewer", "name": "posko"}, headers=headers)
    replay = c.post("/v1/keys", json={"role": "viewer", "name": "posko"}, headers=headers)
    text = first.json()["key"]
    prefix, secret = parse_key(text) or ("", "")
    assert first.status_code == 201 and secret
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json()["key"] is None
    assert c.get("/v1/jobs", headers={"Authorization": f"Bearer {text}"}).status_code == 200
    stored = _database_text(service)
    assert prefix in stored and secret not in stored and text not in stored
    with service.client.app.state.sessions() as s:
        record = s.scalars(sa.select(IdempotencyRecord).where(IdempotencyRecord.key == "new-key")).one()
    assert record.response["body"]["key"] is None
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert secret not in logged


def test_database_errors_hide_their_parameters(service):  # noqa: F811
    """An integrity error (a duplicate key prefix) names the statement but not its parameters, so a
    key's hash never reaches a log."""
    with service.client.app.state.sessions() as s:
        prefix = s.scalars(sa.select(ApiKey.prefix)).first()
        s.add(ApiKey(prefix=prefix, secret_hash="f" * 64, role="viewer", name="dup"))
        with pytest.raises(IntegrityError) as err:
            s.commit()
    assert "f" * 64 not in str(err.value) and "parameters hidden" in str(err.value)


def test_expired_idempotency_records_are_not_replayed_and_are_purged(service):  # noqa: F811
    """A record older than the retention (24 h) is not replayed: the same key creates afresh; and
    `purge_expired` deletes every such record."""
    c, headers = service.client, service.auth("admin", **{"Idempotency-Key": "old"})
    first = c.post("/v1/keys", json={"role": "viewer"}, headers=headers).json()
    with service.client.app.state.sessions() as s:
        s.execute(sa.update(IdempotencyRecord).values(created_at=utcnow() - timedelta(hours=25)))
        s.commit()
    again = c.post("/v1/keys", json={"role": "viewer"}, headers=headers)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert again.json()["id"] != first["id"] and again.json()["key"]
    with service.client.app.state.sessions() as s:
        s.execute(sa.update(IdempotencyRecord).values(created_at=utcnow() - timedelta(hours=25)))
        assert purge_expired(s, 24.0) == 1
        s.commit()
        assert s.scalar(sa.select(sa.func.count()).select_from(IdempotencyRecord)) == 0
