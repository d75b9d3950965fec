"""A buyer's price request and what follows it: counters, withdrawals, deals, the request cap, expiry, views."""
