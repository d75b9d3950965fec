"""The demo shop's own pages and data: catalog, cart, checkout, orders and the quoted cart."""
