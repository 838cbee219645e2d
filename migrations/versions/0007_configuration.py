"""Quote-to-cash, configure: configurable products, option groups and options, their bill of materials,
rules, variants, saved configurations, and the configuration a document line sells.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 20:30:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('config_models',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_config_models_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_config_models')),
    sa.UniqueConstraint('code', name=op.f('uq_config_models_code'))
    )
    with op.batch_alter_table('config_models', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_config_models_product_id'), ['product_id'], unique=False)

    op.create_table('config_option_groups',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('model_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('multiple', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['model_id'], ['config_models.id'], name=op.f('fk_config_option_groups_model_id_config_models'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_config_option_groups')),
    sa.UniqueConstraint('model_id', 'code', name=op.f('uq_config_option_groups_model_id_code'))
    )

    op.create_table('config_options',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('model_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('group_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['config_option_groups.id'], name=op.f('fk_config_options_group_id_config_option_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['model_id'], ['config_models.id'], name=op.f('fk_config_options_model_id_config_models'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_config_options')),
    sa.UniqueConstraint('model_id', 'code', name=op.f('uq_config_options_model_id_code'))
    )
    with op.batch_alter_table('config_options', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_config_options_group_id'), ['group_id'], unique=False)

    op.create_table('config_components',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('model_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('option_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_config_components_quantity_positive')),
    sa.ForeignKeyConstraint(['model_id'], ['config_models.id'], name=op.f('fk_config_components_model_id_config_models'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['option_id'], ['config_options.id'], name=op.f('fk_config_components_option_id_config_options'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_config_components_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_config_components'))
    )
    with op.batch_alter_table('config_components', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_config_components_model_id'), ['model_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_config_components_option_id'), ['option_id'], unique=False)

    op.create_table('config_rules',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('model_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.Enum('requires', 'excludes', name='config_rule_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('option_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('other_option_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=True),
    sa.CheckConstraint('option_id <> other_option_id', name=op.f('ck_config_rules_two_options')),
    sa.ForeignKeyConstraint(['model_id'], ['config_models.id'], name=op.f('fk_config_rules_model_id_config_models'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['option_id'], ['config_options.id'], name=op.f('fk_config_rules_option_id_config_options'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['other_option_id'], ['config_options.id'], name=op.f('fk_config_rules_other_option_id_config_options'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_config_rules')),
    sa.UniqueConstraint('model_id', 'code', name=op.f('uq_config_rules_model_id_code'))
    )

    op.create_table('config_variants',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('model_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['model_id'], ['config_models.id'], name=op.f('fk_config_variants_model_id_config_models'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_config_variants_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_config_variants')),
    sa.UniqueConstraint('product_id', name=op.f('uq_config_variants_product_id'))
    )
    with op.batch_alter_table('config_variants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_config_variants_model_id'), ['model_id'], unique=False)

    op.create_table('config_variant_options',
    sa.Column('variant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('option_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['config_options.id'], name=op.f('fk_config_variant_options_option_id_config_options'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['variant_id'], ['config_variants.id'], name=op.f('fk_config_variant_options_variant_id_config_variants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('variant_id', 'option_id', name=op.f('pk_config_variant_options'))
    )

    op.create_table('configurations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('model_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('variant_product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('bom', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['model_id'], ['config_models.id'], name=op.f('fk_configurations_model_id_config_models')),
    sa.ForeignKeyConstraint(['variant_product_id'], ['products.id'], name=op.f('fk_configurations_variant_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_configurations'))
    )
    with op.batch_alter_table('configurations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_configurations_model_id'), ['model_id'], unique=False)

    op.create_table('configuration_options',
    sa.Column('configuration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('option_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['configuration_id'], ['configurations.id'], name=op.f('fk_configuration_options_configuration_id_configurations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['option_id'], ['config_options.id'], name=op.f('fk_configuration_options_option_id_config_options')),
    sa.PrimaryKeyConstraint('configuration_id', 'option_id', name=op.f('pk_configuration_options'))
    )

    with op.batch_alter_table('commerce_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('configuration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_index(batch_op.f('ix_commerce_lines_configuration_id'), ['configuration_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_commerce_lines_configuration_id_configurations'), 'configurations', ['configuration_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('commerce_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_commerce_lines_configuration_id_configurations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_commerce_lines_configuration_id'))
        batch_op.drop_column('configuration_id')
    op.drop_table('configuration_options')
    op.drop_table('configurations')
    op.drop_table('config_variant_options')
    op.drop_table('config_variants')
    op.drop_table('config_rules')
    op.drop_table('config_components')
    op.drop_table('config_options')
    op.drop_table('config_option_groups')
    op.drop_table('config_models')
