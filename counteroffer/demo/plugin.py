"""The one Counteroffer extension object of the demo shop.

Created without an app (factory pattern): ``create_app`` calls ``init_app`` on it, and
the views reach it by import, the way a host uses Flask-Login's ``login_manager``.
"""
from counteroffer import Counteroffer

negotiation = Counteroffer()
