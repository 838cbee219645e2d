"""Quote-to-cash, contracts: contracts and service orders as commerce documents, versioned contract
terms, warranty periods per product, the service plan catalogue and the plans under a contract, and
every change of a contract's state.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 20:30:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


_KINDS = ('lead', 'opportunity', 'quote', 'order', 'shipment', 'invoice', 'payment', 'rma', 'credit_note', 'write_off')
_NEW_KINDS = ('contract', 'service_order')
_STATUSES = ('open', 'qualified', 'disqualified', 'won', 'lost', 'draft', 'sent', 'accepted', 'rejected', 'expired',
             'superseded', 'held', 'confirmed', 'partially_shipped', 'shipped', 'delivered', 'cancelled', 'issued',
             'partially_paid', 'paid', 'written_off', 'received', 'closed')
_NEW_STATUSES = ('negotiation', 'approved', 'signed', 'active', 'renewed', 'terminated')


def _document_enums(kinds: tuple[str, ...], statuses: tuple[str, ...]) -> None:
    """Contracts and service orders are documents too: widen (or narrow back) the kind and status checks."""
    with op.batch_alter_table('commerce_documents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_commerce_documents_document_kind'), type_='check')
        batch_op.drop_constraint(op.f('ck_commerce_documents_document_status'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.String(length=13 if kinds == _KINDS else 11),
                              type_=sa.String(length=max(map(len, kinds))), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_commerce_documents_document_kind'), sa.column('kind').in_(kinds))
        batch_op.create_check_constraint(op.f('ck_commerce_documents_document_status'),
                                         sa.column('status').in_(statuses))


def upgrade() -> None:
    _document_enums(_KINDS + _NEW_KINDS, _STATUSES + _NEW_STATUSES)
    op.create_table('service_plans',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('coverage', sa.JSON(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('standalone_price', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=True),
    sa.CheckConstraint('months > 0', name=op.f('ck_service_plans_months_positive')),
    sa.CheckConstraint('standalone_price >= 0', name=op.f('ck_service_plans_price_not_negative')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_service_plans_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_plans')),
    sa.UniqueConstraint('code', name=op.f('uq_service_plans_code')),
    sa.UniqueConstraint('product_id', name=op.f('uq_service_plans_product_id'))
    )

    op.create_table('contract_terms',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('contract_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('price_list_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('payment_terms_days', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('renewal_notice_days', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('changed_by', sa.String(length=100), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_contract_terms_period_ordered')),
    sa.CheckConstraint('payment_terms_days >= 0', name=op.f('ck_contract_terms_terms_not_negative')),
    sa.CheckConstraint('renewal_notice_days >= 0', name=op.f('ck_contract_terms_notice_not_negative')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_contract_terms_version_positive')),
    sa.ForeignKeyConstraint(['contract_id'], ['commerce_documents.id'], name=op.f('fk_contract_terms_contract_id_commerce_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'], name=op.f('fk_contract_terms_price_list_id_price_lists')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_terms')),
    sa.UniqueConstraint('contract_id', 'version', name=op.f('uq_contract_terms_contract_id_version'))
    )

    op.create_table('contract_warranties',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('terms_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.CheckConstraint('months > 0', name=op.f('ck_contract_warranties_months_positive')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_contract_warranties_product_id_products')),
    sa.ForeignKeyConstraint(['terms_id'], ['contract_terms.id'], name=op.f('fk_contract_warranties_terms_id_contract_terms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_warranties')),
    sa.UniqueConstraint('terms_id', 'product_id', name=op.f('uq_contract_warranties_terms_id_product_id'))
    )

    op.create_table('contract_plans',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('terms_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['service_plans.id'], name=op.f('fk_contract_plans_plan_id_service_plans')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_contract_plans_product_id_products')),
    sa.ForeignKeyConstraint(['terms_id'], ['contract_terms.id'], name=op.f('fk_contract_plans_terms_id_contract_terms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_plans')),
    sa.UniqueConstraint('terms_id', 'plan_id', 'product_id', name=op.f('uq_contract_plans_terms_id_plan_id_product_id'))
    )

    op.create_table('contract_state_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('contract_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('by', sa.String(length=100), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.CheckConstraint("state IN ('draft', 'negotiation', 'approved', 'signed', 'active', 'renewed', 'expired', 'terminated')", name=op.f('ck_contract_state_changes_state_known')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_contract_state_changes_version_positive')),
    sa.ForeignKeyConstraint(['contract_id'], ['commerce_documents.id'], name=op.f('fk_contract_state_changes_contract_id_commerce_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_state_changes'))
    )
    with op.batch_alter_table('contract_state_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_state_changes_contract_id'), ['contract_id'], unique=False)



def downgrade() -> None:
    op.drop_table('contract_state_changes')
    op.drop_table('contract_plans')
    op.drop_table('contract_warranties')
    op.drop_table('contract_terms')
    op.drop_table('service_plans')
    _document_enums(_KINDS, _STATUSES)
