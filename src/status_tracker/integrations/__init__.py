"""One package per upstream service, each with the same file names.

``payloads.py`` (wire models) and ``client.py`` (API client) know only the
vendor's protocol; ``translate.py`` turns wire data into core events;
``poller.py`` / ``listener.py`` are the loops. They never import each other.
"""
