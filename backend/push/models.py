"""Push subscriptions and the push outbox (written in the same transaction as the event it announces)."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from backend.db import UTCDateTime

OUTBOX_STATUSES = ("pending", "sent", "gone", "failed", "expired")


class PushSubscription(SQLModel, table=True):
    """One browser's web push subscription for a user; the endpoint is on the push allow-list."""

    __tablename__ = "push_subscriptions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    endpoint: str = Field(max_length=2048, sa_column_kwargs={"unique": True})
    p256dh: str = Field(max_length=128)
    auth: str = Field(max_length=64)
    user_agent: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_success_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PushOutbox(SQLModel, table=True):
    """One push to one subscription, due at `next_attempt_at`; a sender claims it before sending."""

    __tablename__ = "push_outbox"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {OUTBOX_STATUSES}", name="ck_push_outbox_status"),
        sa.Index("ix_push_outbox_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int | None = Field(
        default=None, foreign_key="push_subscriptions.id", index=True, ondelete="SET NULL"
    )
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    call_id: int | None = Field(default=None, foreign_key="calls.id", index=True)
    kind: str = Field(max_length=32)
    payload: dict = Field(default_factory=dict, sa_type=JSON)
    urgency: str = Field(default="normal", max_length=16)
    ttl_seconds: int = 300
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
