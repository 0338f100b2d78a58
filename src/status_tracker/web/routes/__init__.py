"""Routers, each included by name in ``web.app.create_app``."""
