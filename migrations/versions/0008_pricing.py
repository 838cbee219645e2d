"""Quote-to-cash, price: price lists with validity (general or per customer), volume tiers, option
surcharges, discount approvals, a document's own discount and price list, how a line was priced, and
the products' standalone selling prices.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 20:30:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('price_lists',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('party_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('valid_from', sa.DateTime(), nullable=False),
    sa.Column('valid_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('valid_until IS NULL OR valid_until > valid_from', name=op.f('ck_price_lists_validity_ordered')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_price_lists_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_lists')),
    sa.UniqueConstraint('code', name=op.f('uq_price_lists_code'))
    )
    with op.batch_alter_table('price_lists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_lists_party_id'), ['party_id'], unique=False)

    op.create_table('price_list_items',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('price_list_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('min_quantity', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.CheckConstraint('min_quantity > 0', name=op.f('ck_price_list_items_min_quantity_positive')),
    sa.CheckConstraint('unit_price >= 0', name=op.f('ck_price_list_items_price_not_negative')),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'], name=op.f('fk_price_list_items_price_list_id_price_lists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_price_list_items_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_list_items')),
    sa.UniqueConstraint('price_list_id', 'product_id', 'min_quantity', name=op.f('uq_price_list_items_price_list_id_product_id_min_quantity'))
    )
    with op.batch_alter_table('price_list_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_list_items_product_id'), ['product_id'], unique=False)

    op.create_table('price_list_surcharges',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('price_list_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('option_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_price_list_surcharges_amount_not_negative')),
    sa.ForeignKeyConstraint(['option_id'], ['config_options.id'], name=op.f('fk_price_list_surcharges_option_id_config_options')),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'], name=op.f('fk_price_list_surcharges_price_list_id_price_lists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_list_surcharges')),
    sa.UniqueConstraint('price_list_id', 'option_id', name=op.f('uq_price_list_surcharges_price_list_id_option_id'))
    )
    with op.batch_alter_table('price_list_surcharges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_list_surcharges_option_id'), ['option_id'], unique=False)

    op.create_table('commerce_approvals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('discount', name='approval_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('discount', sa.Numeric(precision=7, scale=6), nullable=False),
    sa.Column('threshold', sa.Numeric(precision=7, scale=6), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('requested_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('approved', sa.Boolean(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.CheckConstraint('(decided_at IS NULL) = (approved IS NULL)', name=op.f('ck_commerce_approvals_decision_has_outcome')),
    sa.CheckConstraint('(decided_at IS NULL) = (decided_by IS NULL)', name=op.f('ck_commerce_approvals_decision_has_who_and_when')),
    sa.ForeignKeyConstraint(['document_id'], ['commerce_documents.id'], name=op.f('fk_commerce_approvals_document_id_commerce_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commerce_approvals'))
    )
    with op.batch_alter_table('commerce_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commerce_approvals_document_id'), ['document_id'], unique=False)

    with op.batch_alter_table('commerce_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discount', sa.Numeric(precision=7, scale=6), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('price_list_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_commerce_documents_price_list_id_price_lists'), 'price_lists', ['price_list_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_commerce_documents_discount_fraction'), 'discount >= 0 AND discount <= 1')

    with op.batch_alter_table('commerce_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('list_price', sa.Numeric(precision=18, scale=4), nullable=True))
        batch_op.add_column(sa.Column('surcharge', sa.Numeric(precision=18, scale=4), nullable=True))

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standalone_price', sa.Numeric(precision=18, scale=2), nullable=True))
        batch_op.add_column(sa.Column('standalone_currency', sa.String(length=3), nullable=True))
        batch_op.create_check_constraint(op.f('ck_products_ssp_has_currency'),
                                         '(standalone_price IS NULL) = (standalone_currency IS NULL)')


def downgrade() -> None:
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_products_ssp_has_currency'), type_='check')
        batch_op.drop_column('standalone_currency')
        batch_op.drop_column('standalone_price')

    with op.batch_alter_table('commerce_lines', schema=None) as batch_op:
        batch_op.drop_column('surcharge')
        batch_op.drop_column('list_price')

    with op.batch_alter_table('commerce_documents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_commerce_documents_discount_fraction'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_commerce_documents_price_list_id_price_lists'), type_='foreignkey')
        batch_op.drop_column('price_list_id')
        batch_op.drop_column('discount')

    op.drop_table('commerce_approvals')
    op.drop_table('price_list_surcharges')
    op.drop_table('price_list_items')
    op.drop_table('price_lists')
