"""What buyers told, for pricing managers: competitors cited, win rates, lost reasons (lines and quotes)."""
