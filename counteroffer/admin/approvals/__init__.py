"""Back-office pages for sales reps: the approvals inbox, a decision, and out of office."""
