"""A person decides what the rules cannot: routing, inbox, decisions, reps, absences, service levels, notices."""
