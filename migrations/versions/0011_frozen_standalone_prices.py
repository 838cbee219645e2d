"""Revenue: the standalone selling price a line or a contract's plan was sold at, kept on it.

IFRS 15 (and ASC 606) allocate a contract's price by the standalone selling prices at its inception: a
price changed later must not move the revenue of contracts already made. An order's (or invoice's) lines
keep their products' standalone prices in the document's currency when they are written, and a contract's
plans the plan's price when the plan is agreed; revenue reads those, and the catalogue's current price only
for rows written before this revision (null here).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 00:30:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('commerce_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standalone_price', sa.Numeric(precision=18, scale=2), nullable=True))
    with op.batch_alter_table('contract_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standalone_price', sa.Numeric(precision=18, scale=2), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35 and later have it), not a batch copy of the table: other tables refer to
    # commerce_lines, and SQLite, enforcing foreign keys, refuses to drop a table with rows referring to it.
    op.drop_column('contract_plans', 'standalone_price')
    op.drop_column('commerce_lines', 'standalone_price')
