"""Initial schema: nodes, master data, the event log with its hash chain, lineage edges and projections.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 07:10:04.537588
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('captures',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=True),
    sa.Column('status', sa.Enum('running', 'success', 'failed', name='capture_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('duplicate_count', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_captures'))
    )
    op.create_table('log_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.BigInteger(), nullable=False),
    sa.Column('chain_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_log_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_log_head'))
    )
    # The chain starts from a fixed genesis value; appends lock and advance this one row.
    op.bulk_insert(
        sa.table('log_head', sa.column('id', sa.Integer), sa.column('last_seq', sa.BigInteger), sa.column('chain_hash', sa.String)),
        [{'id': 1, 'last_seq': 0, 'chain_hash': '0' * 64}],
    )
    op.create_table('nodes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('identifier', sa.String(length=512), nullable=False),
    sa.Column('kind', sa.Enum('unit', 'lot', 'product', 'logistic_unit', 'location', 'party', 'document', 'other', name='node_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nodes')),
    sa.UniqueConstraint('identifier', name=op.f('uq_nodes_identifier'))
    )
    with op.batch_alter_table('nodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nodes_kind'), ['kind'], unique=False)

    op.create_table('products',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('gtin', sa.String(length=14), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=True),
    sa.Column('mass_kg', sa.Numeric(precision=14, scale=6, asdecimal=False), nullable=True),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('gtin', name=op.f('uq_products_gtin'))
    )
    op.create_table('events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('event_id', sa.String(length=512), nullable=False),
    sa.Column('event_hash', sa.String(length=100), nullable=False),
    sa.Column('event_type', sa.Enum('ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent', name='event_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('action', sa.Enum('ADD', 'OBSERVE', 'DELETE', name='action', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('biz_step', sa.String(length=300), nullable=True),
    sa.Column('disposition', sa.String(length=300), nullable=True),
    sa.Column('event_time', sa.DateTime(), nullable=False),
    sa.Column('event_time_offset', sa.String(length=6), nullable=False),
    sa.Column('record_time', sa.DateTime(), nullable=False),
    sa.Column('read_point_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('biz_location_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('declares_error', sa.Boolean(), nullable=False),
    sa.Column('retracted_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('capture_id', sa.String(length=36), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('chain_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['biz_location_id'], ['nodes.id'], name=op.f('fk_events_biz_location_id_nodes')),
    sa.ForeignKeyConstraint(['capture_id'], ['captures.id'], name=op.f('fk_events_capture_id_captures')),
    sa.ForeignKeyConstraint(['read_point_id'], ['nodes.id'], name=op.f('fk_events_read_point_id_nodes')),
    sa.ForeignKeyConstraint(['retracted_by'], ['events.id'], name=op.f('fk_events_retracted_by_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('event_id', 'declares_error', name=op.f('uq_events_event_id_declares_error'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_biz_step', ['biz_step'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_capture_id'), ['capture_id'], unique=False)
        batch_op.create_index('ix_events_event_hash', ['event_hash'], unique=False)
        batch_op.create_index('ix_events_event_time', ['event_time'], unique=False)
        batch_op.create_index('ix_events_record_time', ['record_time'], unique=False)

    op.create_table('lots',
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('gtin', sa.String(length=14), nullable=True),
    sa.Column('lot_number', sa.String(length=80), nullable=True),
    sa.Column('ilmd', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_lots_node_id_nodes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('node_id', name=op.f('pk_lots'))
    )
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lots_gtin'), ['gtin'], unique=False)

    op.create_table('parties',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_parties_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parties')),
    sa.UniqueConstraint('node_id', name=op.f('uq_parties_node_id'))
    )
    op.create_table('units',
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('gtin', sa.String(length=14), nullable=True),
    sa.Column('serial', sa.String(length=80), nullable=True),
    sa.Column('ilmd', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_units_node_id_nodes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('node_id', name=op.f('pk_units'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_gtin'), ['gtin'], unique=False)

    op.create_table('biz_transactions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('type', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_biz_transactions_event_id_events')),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_biz_transactions_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_biz_transactions'))
    )
    with op.batch_alter_table('biz_transactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_biz_transactions_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_biz_transactions_node_id_type', ['node_id', 'type'], unique=False)

    op.create_table('edges',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('input_of', 'part_of', 'documented_by', 'follows', name='edge_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('src', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('dst', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('valid_from', sa.DateTime(), nullable=True),
    sa.Column('valid_to', sa.DateTime(), nullable=True),
    sa.Column('event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('closed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('quantity', sa.Float(), nullable=True),
    sa.Column('uom', sa.String(length=10), nullable=True),
    sa.Column('mass_kg', sa.Float(), nullable=True),
    sa.Column('retracted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['closed_by'], ['events.id'], name=op.f('fk_edges_closed_by_events')),
    sa.ForeignKeyConstraint(['dst'], ['nodes.id'], name=op.f('fk_edges_dst_nodes')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_edges_event_id_events')),
    sa.ForeignKeyConstraint(['src'], ['nodes.id'], name=op.f('fk_edges_src_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_edges'))
    )
    with op.batch_alter_table('edges', schema=None) as batch_op:
        batch_op.create_index('ix_edges_dst_src_valid', ['dst', 'src', 'valid_from', 'valid_to'], unique=False)
        batch_op.create_index(batch_op.f('ix_edges_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_edges_src_dst', ['src', 'dst'], unique=False)

    op.create_table('event_objects',
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.Enum('epc', 'parent', 'child', 'input', 'output', name='object_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('quantity', sa.Float(), nullable=True),
    sa.Column('uom', sa.String(length=10), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_objects_event_id_events')),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_event_objects_node_id_nodes')),
    sa.PrimaryKeyConstraint('node_id', 'event_id', 'role', name=op.f('pk_event_objects'))
    )
    op.create_table('locations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('party_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_locations_node_id_nodes')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_locations_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_locations')),
    sa.UniqueConstraint('node_id', name=op.f('uq_locations_node_id'))
    )
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_locations_party_id'), ['party_id'], unique=False)

    op.create_table('unit_states',
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.Enum('active', 'consumed', 'disassembled', 'decommissioned', 'destroyed', 'disposed', name='lifecycle_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('disposition', sa.String(length=300), nullable=True),
    sa.Column('biz_step', sa.String(length=300), nullable=True),
    sa.Column('biz_location_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('read_point_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('owner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('possessor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('commissioned_at', sa.DateTime(), nullable=True),
    sa.Column('last_event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('last_event_time', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['biz_location_id'], ['nodes.id'], name=op.f('fk_unit_states_biz_location_id_nodes')),
    sa.ForeignKeyConstraint(['last_event_id'], ['events.id'], name=op.f('fk_unit_states_last_event_id_events')),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_unit_states_node_id_nodes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['nodes.id'], name=op.f('fk_unit_states_owner_id_nodes')),
    sa.ForeignKeyConstraint(['possessor_id'], ['nodes.id'], name=op.f('fk_unit_states_possessor_id_nodes')),
    sa.ForeignKeyConstraint(['read_point_id'], ['nodes.id'], name=op.f('fk_unit_states_read_point_id_nodes')),
    sa.PrimaryKeyConstraint('node_id', name=op.f('pk_unit_states'))
    )
    with op.batch_alter_table('unit_states', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_states_biz_location_id'), ['biz_location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_states_owner_id'), ['owner_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('unit_states', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_states_owner_id'))
        batch_op.drop_index(batch_op.f('ix_unit_states_biz_location_id'))

    op.drop_table('unit_states')
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_locations_party_id'))

    op.drop_table('locations')
    op.drop_table('event_objects')
    with op.batch_alter_table('edges', schema=None) as batch_op:
        batch_op.drop_index('ix_edges_src_dst')
        batch_op.drop_index(batch_op.f('ix_edges_event_id'))
        batch_op.drop_index('ix_edges_dst_src_valid')

    op.drop_table('edges')
    with op.batch_alter_table('biz_transactions', schema=None) as batch_op:
        batch_op.drop_index('ix_biz_transactions_node_id_type')
        batch_op.drop_index(batch_op.f('ix_biz_transactions_event_id'))

    op.drop_table('biz_transactions')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_gtin'))

    op.drop_table('units')
    op.drop_table('parties')
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lots_gtin'))

    op.drop_table('lots')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_record_time')
        batch_op.drop_index('ix_events_event_time')
        batch_op.drop_index('ix_events_event_hash')
        batch_op.drop_index(batch_op.f('ix_events_capture_id'))
        batch_op.drop_index('ix_events_biz_step')

    op.drop_table('events')
    op.drop_table('products')
    with op.batch_alter_table('nodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nodes_kind'))

    op.drop_table('nodes')
    op.drop_table('log_head')
    op.drop_table('captures')
