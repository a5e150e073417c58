"""Initial schema: chats, accounts, vehicles, links, state, preferences, outbox, history, invites.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_key', sa.String(length=64), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('email_masked', sa.String(length=255), nullable=False),
    sa.Column('email_enc', sa.Text(), nullable=False),
    sa.Column('secrets_enc', sa.Text(), nullable=False),
    sa.Column('needs_login', sa.Boolean(), nullable=False),
    sa.Column('needs_login_told', sa.Boolean(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('calls_in_window', sa.Integer(), nullable=False),
    sa.Column('cooldown_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_key')
    )
    op.create_table('invites',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_by_chat_id', sa.BigInteger(), nullable=True),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invites_account_id'), ['account_id'], unique=False)

    op.create_table('vehicles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('vin', sa.String(length=32), nullable=False),
    sa.Column('model_code', sa.String(length=32), nullable=False),
    sa.Column('model_name', sa.String(length=128), nullable=False),
    sa.Column('brand', sa.String(length=32), nullable=False),
    sa.Column('plate', sa.String(length=32), nullable=True),
    sa.Column('kamereon_account_enc', sa.Text(), nullable=False),
    sa.Column('capabilities', sa.JSON(), nullable=True),
    sa.Column('unsupported', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_id', 'vin', name='uq_vehicles_account_vin')
    )
    with op.batch_alter_table('vehicles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vehicles_account_id'), ['account_id'], unique=False)

    op.create_table('battery_readings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vehicle_id', sa.Integer(), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('range_km', sa.Float(), nullable=True),
    sa.Column('charging', sa.Boolean(), nullable=False),
    sa.Column('power_kw', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('vehicle_id', 'reported_at', name='uq_readings_vehicle_time')
    )
    with op.batch_alter_table('battery_readings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_battery_readings_vehicle_id'), ['vehicle_id'], unique=False)

    op.create_table('charge_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vehicle_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('start_level', sa.Integer(), nullable=True),
    sa.Column('end_level', sa.Integer(), nullable=True),
    sa.Column('energy_kwh', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('vehicle_id', 'started_at', name='uq_sessions_vehicle_start')
    )
    with op.batch_alter_table('charge_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charge_sessions_vehicle_id'), ['vehicle_id'], unique=False)

    op.create_table('chats',
    sa.Column('chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('units', sa.String(length=8), nullable=False),
    sa.Column('default_temperature_c', sa.Float(), nullable=False),
    sa.Column('quiet_start', sa.String(length=5), nullable=True),
    sa.Column('quiet_end', sa.String(length=5), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('active_vehicle_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['active_vehicle_id'], ['vehicles.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('chat_id')
    )
    op.create_table('vehicle_states',
    sa.Column('vehicle_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=True),
    sa.Column('phase', sa.String(length=64), nullable=True),
    sa.Column('car_reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('memory', sa.JSON(), nullable=True),
    sa.Column('next_poll_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_owner', sa.String(length=128), nullable=True),
    sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('vehicle_id')
    )
    with op.batch_alter_table('vehicle_states', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vehicle_states_next_poll_at'), ['next_poll_at'], unique=False)

    op.create_table('chat_links',
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['chat_id'], ['chats.chat_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('chat_id', 'account_id')
    )
    op.create_table('notification_log',
    sa.Column('dedup_key', sa.String(length=255), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('vehicle_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('deliver_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['chat_id'], ['chats.chat_id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dedup_key')
    )
    with op.batch_alter_table('notification_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_log_chat_id'), ['chat_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_log_deliver_at'), ['deliver_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_log_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_log_vehicle_id'), ['vehicle_id'], unique=False)

    op.create_table('notification_preferences',
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('vehicle_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['chat_id'], ['chats.chat_id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('chat_id', 'vehicle_id')
    )


def downgrade() -> None:
    op.drop_table('notification_preferences')
    with op.batch_alter_table('notification_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_log_vehicle_id'))
        batch_op.drop_index(batch_op.f('ix_notification_log_status'))
        batch_op.drop_index(batch_op.f('ix_notification_log_deliver_at'))
        batch_op.drop_index(batch_op.f('ix_notification_log_chat_id'))

    op.drop_table('notification_log')
    op.drop_table('chat_links')
    with op.batch_alter_table('vehicle_states', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vehicle_states_next_poll_at'))

    op.drop_table('vehicle_states')
    op.drop_table('chats')
    with op.batch_alter_table('charge_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charge_sessions_vehicle_id'))

    op.drop_table('charge_sessions')
    with op.batch_alter_table('battery_readings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_battery_readings_vehicle_id'))

    op.drop_table('battery_readings')
    with op.batch_alter_table('vehicles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vehicles_account_id'))

    op.drop_table('vehicles')
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invites_account_id'))

    op.drop_table('invites')
    op.drop_table('accounts')
