"""The reps' and managers' JSON API: escalations, decisions, audit trails, out-of-office delegations."""
