"""document retention: a cited document's bytes are deleted when its negotiation's
retention ends, and the row stays as a marker (issue 16)

Revision ID: 0018_document_retention
Revises: 0017_offer_ranks
Create Date: 2026-12-04

``purged_at`` says when the bytes were deleted (``negotiation/buying/retention.py``);
``data`` is NULL from then on. The row keeps the name, type and size, so reps see
"deleted under retention" where the link was, instead of a link that fails.
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0018_document_retention'
# Other branches in flight add their own 0018: whoever merges last chains this after them.
down_revision = '0017_offer_ranks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('counteroffer_documents') as batch:
        batch.add_column(sa.Column('purged_at', counteroffer.db.types.UTCDateTime(), nullable=True))
        batch.alter_column('data', existing_type=sa.LargeBinary(), nullable=True)


def downgrade() -> None:
    # The deleted bytes cannot come back: a purged document's row goes with its bytes.
    op.execute("UPDATE counteroffer_told SET document_id = NULL WHERE document_id IN "
               "(SELECT id FROM counteroffer_documents WHERE purged_at IS NOT NULL)")
    op.execute("DELETE FROM counteroffer_documents WHERE purged_at IS NOT NULL")
    with op.batch_alter_table('counteroffer_documents') as batch:
        batch.alter_column('data', existing_type=sa.LargeBinary(), nullable=False)
        batch.drop_column('purged_at')
