"""Capture jobs of the EPCIS REST binding (run by workers) and named queries.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:30:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('capture_jobs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'success', 'failed', name='job_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('error_behaviour', sa.Enum('rollback', 'proceed', name='error_behaviour', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('document', sa.LargeBinary(), nullable=True),
    sa.Column('media_type', sa.String(length=100), nullable=True),
    sa.Column('document_bytes', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.String(length=200), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=True),
    sa.Column('capture_id', sa.String(length=36), nullable=True),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('duplicate_count', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=True),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_capture_jobs_attempts_not_negative')),
    sa.CheckConstraint('event_count >= 0 AND duplicate_count >= 0', name=op.f('ck_capture_jobs_counts_not_negative')),
    sa.CheckConstraint("status IN ('queued', 'running') OR finished_at IS NOT NULL", name=op.f('ck_capture_jobs_done_has_finished_at')),
    sa.CheckConstraint("status <> 'running' OR worker_id IS NOT NULL", name=op.f('ck_capture_jobs_running_has_worker')),
    sa.ForeignKeyConstraint(['capture_id'], ['captures.id'], name=op.f('fk_capture_jobs_capture_id_captures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_capture_jobs'))
    )
    with op.batch_alter_table('capture_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_capture_jobs_status_created_at', ['status', 'created_at'], unique=False)

    op.create_table('named_queries',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('query', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_named_queries'))
    )


def downgrade() -> None:
    op.drop_table('named_queries')
    with op.batch_alter_table('capture_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_capture_jobs_status_created_at')
    op.drop_table('capture_jobs')
