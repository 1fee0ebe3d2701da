"""The service's first tables: API keys, scenarios, incidents and their updates, jobs, plans and
idempotency records (api/http/db/models.py as of issue 7).

Revision ID: 0001_initial
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.String(32), primary_key=True)


def _created_at() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "api_keys",
        _id(),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        _created_at(),
        sa.Column("revoked", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_api_keys_prefix", "api_keys", ["prefix"], unique=True)
    op.create_table(
        "scenarios",
        _id(),
        sa.Column("scenario_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("n_areas", sa.Integer(), nullable=False),
        sa.Column("n_vehicles", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=True),
        _created_at(),
    )
    op.create_table(
        "incidents",
        _id(),
        sa.Column("scenario_id", sa.String(32), sa.ForeignKey("scenarios.id"), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("plan_id", sa.String(32), nullable=True),
        sa.Column("created_by", sa.String(32), nullable=True),
        _created_at(),
    )
    op.create_table(
        "jobs",
        _id(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("scenario_id", sa.String(32), sa.ForeignKey("scenarios.id"), nullable=True),
        sa.Column("incident_id", sa.String(32), sa.ForeignKey("incidents.id"), nullable=True),
        sa.Column("plan_id", sa.String(32), nullable=True),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("stage", sa.String(64), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=True),
        _created_at(),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_jobs_status", "jobs", ["status"])
    op.create_table(
        "plans",
        _id(),
        sa.Column("scenario_id", sa.String(32), sa.ForeignKey("scenarios.id"), nullable=True),
        sa.Column("incident_id", sa.String(32), sa.ForeignKey("incidents.id"), nullable=True),
        sa.Column("job_id", sa.String(32), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        _created_at(),
    )
    op.create_table(
        "incident_updates",
        _id(),
        sa.Column("incident_id", sa.String(32), sa.ForeignKey("incidents.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        _created_at(),
        sa.Column("job_id", sa.String(32), nullable=True),
        sa.UniqueConstraint("incident_id", "seq"),
    )
    op.create_index("ix_incident_updates_incident_id", "incident_updates", ["incident_id"])
    op.create_table(
        "idempotency",
        _id(),
        sa.Column("owner", sa.String(32), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        _created_at(),
        sa.UniqueConstraint("owner", "key"),
    )


def downgrade() -> None:
    op.drop_table("idempotency")
    op.drop_index("ix_incident_updates_incident_id", table_name="incident_updates")
    op.drop_table("incident_updates")
    op.drop_table("plans")
    op.drop_index("ix_jobs_status", table_name="jobs")
    op.drop_table("jobs")
    op.drop_table("incidents")
    op.drop_table("scenarios")
    op.drop_index("ix_api_keys_prefix", table_name="api_keys")
    op.drop_table("api_keys")
