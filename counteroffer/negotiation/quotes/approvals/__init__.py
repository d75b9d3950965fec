"""A person answers a quote: routing, the rep's view and decision, notices and service levels."""
