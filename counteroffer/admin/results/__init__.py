"""Back-office pages for the results dashboard and its experiments."""
