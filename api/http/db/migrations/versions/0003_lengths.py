"""Column lengths that agree with the request limits, and an index for purging idempotency records:
`scenarios.name` takes the scenario model's 2,000 characters (was 500), `incident_updates.actor` a
key's name of 200 characters plus its prefix (was 200 in all: a key named with more than 185
characters could send no update on PostgreSQL); `idempotency.created_at` is indexed.

Revision ID: 0003_lengths
Revises: 0002_studies
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_lengths"
down_revision = "0002_studies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scenarios") as batch:
        batch.alter_column("name", type_=sa.String(2000), existing_type=sa.String(500))
    with op.batch_alter_table("incident_updates") as batch:
        batch.alter_column("actor", type_=sa.String(300), existing_type=sa.String(200))
    op.create_index("ix_idempotency_created_at", "idempotency", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_idempotency_created_at", table_name="idempotency")
    with op.batch_alter_table("incident_updates") as batch:
        batch.alter_column("actor", type_=sa.String(200), existing_type=sa.String(300))
    with op.batch_alter_table("scenarios") as batch:
        batch.alter_column("name", type_=sa.String(500), existing_type=sa.String(2000))
