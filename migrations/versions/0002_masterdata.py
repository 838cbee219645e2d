"""EPCIS master data: location and product columns from CBV 2.0, the history of descriptions, child_of edges.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 22:30:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_KINDS = ('input_of', 'part_of', 'documented_by', 'follows')
_LOCATION_COLUMNS = (
    ('street_address', sa.String(length=500)), ('city', sa.String(length=200)),
    ('postal_code', sa.String(length=50)), ('state', sa.String(length=200)),
    ('latitude', sa.Float()), ('longitude', sa.Float()), ('site', sa.String(length=200)),
    ('sst', sa.String(length=200)), ('ssa', sa.String(length=200)), ('sdt', sa.String(length=200)),
    ('ssd', sa.String(length=500)),
)


def _edge_kinds(kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table('edges', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_edges_edge_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_edges_edge_kind'),
                                         sa.column('kind').in_(kinds))


def upgrade() -> None:
    with op.batch_alter_table('locations', schema=None) as batch_op:
        for name, type_ in _LOCATION_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.create_check_constraint(op.f('ck_locations_latitude_range'),
                                         'latitude IS NULL OR (latitude >= -90 AND latitude <= 90)')
        batch_op.create_check_constraint(op.f('ck_locations_longitude_range'),
                                         'longitude IS NULL OR (longitude >= -180 AND longitude <= 180)')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('net_content', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('country_of_origin', sa.String(length=2), nullable=True))
    op.create_table('masterdata_versions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('vtype', sa.String(length=512), nullable=False),
    sa.Column('valid_from', sa.DateTime(), nullable=False),
    sa.Column('valid_to', sa.DateTime(), nullable=True),
    sa.Column('capture_id', sa.String(length=36), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('children', sa.JSON(), nullable=False),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_masterdata_versions_valid_interval')),
    sa.ForeignKeyConstraint(['capture_id'], ['captures.id'], name=op.f('fk_masterdata_versions_capture_id_captures')),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_masterdata_versions_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_masterdata_versions'))
    )
    with op.batch_alter_table('masterdata_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_masterdata_versions_capture_id'), ['capture_id'], unique=False)
        batch_op.create_index('ix_masterdata_versions_node_id_vtype_valid_from', ['node_id', 'vtype', 'valid_from'],
                              unique=False)
    _edge_kinds(_KINDS + ('child_of',))


def downgrade() -> None:
    op.execute("DELETE FROM edges WHERE kind = 'child_of'")
    _edge_kinds(_KINDS)
    with op.batch_alter_table('masterdata_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_masterdata_versions_node_id_vtype_valid_from')
        batch_op.drop_index(batch_op.f('ix_masterdata_versions_capture_id'))
    op.drop_table('masterdata_versions')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('country_of_origin')
        batch_op.drop_column('net_content')
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_locations_longitude_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_locations_latitude_range'), type_='check')
        for name, _ in reversed(_LOCATION_COLUMNS):
            batch_op.drop_column(name)
