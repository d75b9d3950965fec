"""The pricing manager's rules: versions, checks, diff, CSV import, the compiled live rules, what-if simulation."""
