"""The buyer's JSON API: price requests, counters, deals, product terms, and their schemas."""
