"""Back-office pages for pricing managers: the rule editor, versions, diff, what-if and CSV."""
