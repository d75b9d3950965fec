"""The pricing manager's JSON API: rules, versions, diff and what-if simulations."""
