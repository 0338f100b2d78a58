"""qBittorrent (WebUI API 4.1+ and 5.x): progress from ``sync/maindata`` and the run-on-finish hook.

``client`` speaks the WebUI API (session, one merged ``sync/maindata`` per tick),
``payloads`` holds the wire models, ``translate`` turns torrents and hook bodies
into core events.
"""
