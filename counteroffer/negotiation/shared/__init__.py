"""What every capability uses: Deps and the cache, actors, errors, statuses, records, price facts, idempotency."""
