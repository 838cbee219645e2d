"""Compliance records: substance and mineral declarations, RoHS exemptions, certificates (issue 20).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 22:21:18.250109
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rohs_exemptions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('gtin', sa.String(length=14), nullable=False),
    sa.Column('exemption', sa.String(length=20), nullable=False),
    sa.Column('cas', sa.String(length=20), nullable=True),
    sa.Column('scope', sa.String(length=1000), nullable=True),
    sa.Column('valid_from', sa.DateTime(), nullable=True),
    sa.Column('valid_until', sa.DateTime(), nullable=True),
    sa.CheckConstraint('valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from', name=op.f('ck_rohs_exemptions_valid_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rohs_exemptions'))
    )
    with op.batch_alter_table('rohs_exemptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rohs_exemptions_gtin'), ['gtin'], unique=False)

    op.create_table('certificates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('gtin', sa.String(length=14), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('number', sa.String(length=200), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=True),
    sa.Column('valid_from', sa.DateTime(), nullable=False),
    sa.Column('valid_until', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('uri', sa.String(length=1000), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.CheckConstraint('(node_id IS NULL) <> (gtin IS NULL)', name=op.f('ck_certificates_one_subject')),
    sa.CheckConstraint('valid_until IS NULL OR valid_until > valid_from', name=op.f('ck_certificates_valid_period')),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_certificates_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_gtin'), ['gtin'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_node_id'), ['node_id'], unique=False)

    op.create_table('compliance_declarations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('gtin', sa.String(length=14), nullable=True),
    sa.Column('kind', sa.Enum('substances', 'minerals', name='declaration_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=True),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.Column('valid_until', sa.DateTime(), nullable=True),
    sa.Column('article_mass_kg', sa.Float(), nullable=True),
    sa.Column('scip_reference', sa.String(length=100), nullable=True),
    sa.CheckConstraint('(node_id IS NULL) <> (gtin IS NULL)', name=op.f('ck_compliance_declarations_one_subject')),
    sa.CheckConstraint('article_mass_kg IS NULL OR article_mass_kg > 0', name=op.f('ck_compliance_declarations_article_mass_positive')),
    sa.CheckConstraint('valid_until IS NULL OR valid_until > declared_at', name=op.f('ck_compliance_declarations_valid_after_declared')),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_compliance_declarations_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compliance_declarations'))
    )
    with op.batch_alter_table('compliance_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compliance_declarations_gtin'), ['gtin'], unique=False)
        batch_op.create_index(batch_op.f('ix_compliance_declarations_node_id'), ['node_id'], unique=False)

    op.create_table('declared_substances',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('declaration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('substance', sa.String(length=200), nullable=False),
    sa.Column('cas', sa.String(length=20), nullable=True),
    sa.Column('material', sa.String(length=200), nullable=True),
    sa.Column('mass_fraction', sa.Float(), nullable=False),
    sa.Column('article_fraction', sa.Float(), nullable=True),
    sa.CheckConstraint('article_fraction IS NULL OR (article_fraction >= 0 AND article_fraction <= 1)', name=op.f('ck_declared_substances_article_fraction_range')),
    sa.CheckConstraint('mass_fraction >= 0 AND mass_fraction <= 1', name=op.f('ck_declared_substances_mass_fraction_range')),
    sa.ForeignKeyConstraint(['declaration_id'], ['compliance_declarations.id'], name=op.f('fk_declared_substances_declaration_id_compliance_declarations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declared_substances'))
    )
    with op.batch_alter_table('declared_substances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declared_substances_declaration_id'), ['declaration_id'], unique=False)

    op.create_table('mineral_sources',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('declaration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('metal', sa.String(length=10), nullable=False),
    sa.Column('smelter_id', sa.String(length=20), nullable=True),
    sa.Column('smelter_name', sa.String(length=200), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('conformant', sa.Boolean(), nullable=True),
    sa.CheckConstraint("metal IN ('tin', 'tantalum', 'tungsten', 'gold')", name=op.f('ck_mineral_sources_metal_3tg')),
    sa.ForeignKeyConstraint(['declaration_id'], ['compliance_declarations.id'], name=op.f('fk_mineral_sources_declaration_id_compliance_declarations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mineral_sources'))
    )
    with op.batch_alter_table('mineral_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mineral_sources_declaration_id'), ['declaration_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('mineral_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mineral_sources_declaration_id'))

    op.drop_table('mineral_sources')
    with op.batch_alter_table('declared_substances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declared_substances_declaration_id'))

    op.drop_table('declared_substances')
    with op.batch_alter_table('compliance_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compliance_declarations_node_id'))
        batch_op.drop_index(batch_op.f('ix_compliance_declarations_gtin'))

    op.drop_table('compliance_declarations')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_node_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_gtin'))

    op.drop_table('certificates')
    with op.batch_alter_table('rohs_exemptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rohs_exemptions_gtin'))

    op.drop_table('rohs_exemptions')
