"""Service commands: `siaga serve` (the HTTP API) and `siaga keys` (its API keys). The only module of the
command line that imports api.http (inside the commands, so that the other commands never load it)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from .common import err, out

__all__ = ["register"]

keys_app = typer.Typer(help="API keys of the HTTP service (in SIAGA_DATABASE_URL).", no_args_is_help=True)


def _key_sessions():
    from api.http.db.migrate import upgrade
    from api.http.db.session import make_engine, make_sessionmaker
    from api.http.settings import Settings

    url = Settings().database_url
    upgrade(url)
    return make_sessionmaker(make_engine(url))


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option("--role", help="viewer, coordinator or admin.")],
    name: Annotated[str, typer.Option("--name", help="Who holds the key (the actor of its updates).")] = "",
) -> None:
    """Create an API key and print it (only its hash is stored: keep the printed key)."""
    from api.http.db.models import ROLES
    from api.http.security import create_key

    if role not in ROLES:
        err.print(f"--role: {role!r} must be one of {', '.join(ROLES)}", markup=False)
        raise typer.Exit(2)
    with _key_sessions()() as session:
        key, text = create_key(session, role, name)
        session.commit()
        err.print(f"key {key.id} ({role}{', ' + name if name else ''}) created", markup=False)
    sys.stdout.write(text + "\n")


@keys_app.command("list")
def keys_list() -> None:
    """List the API keys (prefix, role, name, revoked); never their secrets."""
    from sqlalchemy import select

    from api.http.db.models import ApiKey

    table = Table()
    for col in ("id", "prefix", "role", "name", "created", "revoked"):
        table.add_column(col)
    with _key_sessions()() as session:
        for k in session.scalars(select(ApiKey).order_by(ApiKey.created_at)):
            table.add_row(k.id, k.prefix, k.role, k.name, f"{k.created_at:%Y-%m-%d %H:%M}", str(k.revoked))
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key's id (siaga keys list).")]) -> None:
    """Revoke an API key: requests with it get 401 from now on."""
    from api.http.db.models import ApiKey

    with _key_sessions()() as session:
        key = session.get(ApiKey, key_id)
        if key is None:
            err.print(f"no key with id {key_id!r}", markup=False)
            raise typer.Exit(2)
        key.revoked = True
        session.commit()
    out.print(f"key {key_id} revoked", markup=False)


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
) -> None:
    """Run the HTTP API (docs/api.md); settings from the SIAGA_* environment."""
    import uvicorn

    from api.http.app import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info", timeout_graceful_shutdown=10)


def register(app: typer.Typer) -> None:
    """Add this group's commands to `app`, in the order `siaga --help` lists them."""
    app.add_typer(keys_app, name="keys")
    app.command()(serve)
