"""The back office for sales reps and pricing managers (approval inbox, rule editor,
results). Not built yet: the approval workflow and rule editor issues add it here. Like
``plugin``, it may import ``negotiation`` and nothing imports it."""
