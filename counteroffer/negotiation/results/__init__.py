"""What negotiation earns: result facts, roll-ups, cycle times, reports, and rule-set experiments."""
