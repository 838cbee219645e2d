"""Commerce: a payment or credit note may be applied to the same invoice more than once (cash applied in two
steps is two applications, each with its own date), so the unique constraint on (source, invoice) goes; the
source keeps an index of its own for "what is applied of this payment".

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 23:20:00
"""

from __future__ import annotations

from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('commerce_applications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_commerce_applications_source_id_invoice_id'), type_='unique')
        batch_op.create_index(batch_op.f('ix_commerce_applications_source_id'), ['source_id'], unique=False)


def downgrade() -> None:
    # Repeated applications are summed into one row per source and invoice (the earliest date kept) before the
    # constraint comes back, so a downgrade keeps every amount.
    op.execute("""
        UPDATE commerce_applications SET amount = (
            SELECT SUM(a.amount) FROM commerce_applications a
            WHERE a.source_id = commerce_applications.source_id AND a.invoice_id = commerce_applications.invoice_id)
        WHERE id IN (SELECT MIN(id) FROM commerce_applications GROUP BY source_id, invoice_id)""")
    op.execute("""
        DELETE FROM commerce_applications
        WHERE id NOT IN (SELECT MIN(id) FROM commerce_applications GROUP BY source_id, invoice_id)""")
    with op.batch_alter_table('commerce_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commerce_applications_source_id'))
        batch_op.create_unique_constraint(op.f('uq_commerce_applications_source_id_invoice_id'),
                                          ['source_id', 'invoice_id'])
