"""Stockpile studies as a resource: the `studies` table (a study's spec, its job and, once done, its
study.json), and the index on jobs.incident_id that 0001 lacked (re-plans are looked up by incident).

Revision ID: 0002_studies
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_studies"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_jobs_incident_id", "jobs", ["incident_id"])
    op.create_table(
        "studies",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("study_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(2000), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=True),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id"), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_studies_job_id", "studies", ["job_id"])


def downgrade() -> None:
    op.drop_index("ix_studies_job_id", table_name="studies")
    op.drop_table("studies")
    op.drop_index("ix_jobs_incident_id", table_name="jobs")
