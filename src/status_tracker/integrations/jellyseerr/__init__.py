"""Jellyseerr (and Overseerr / Seerr): where requests come from.

``payloads`` reads the webhook agent's templated JSON and the ``/api/v1``
request records; ``translate`` turns both into core events; ``client`` pages
through ``GET /api/v1/request`` for reconciliation, since Jellyseerr sends each
webhook once, without retry.
"""
