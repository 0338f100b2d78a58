"""Shoko Server: recognises anime files, the ``anime_indexing`` step.

``messages`` reads Shoko's event payloads (v4, v5 and v6 dev shapes) and the
``/hooks/shoko`` body; ``translate`` turns them into core events, correlating by
file path and Shoko FileID only; ``listener`` keeps one SignalR connection to
Shoko's aggregate hub per ``run_once`` and is run under ``runtime.supervise``;
``host_listener`` stores every event it receives exactly like ``/hooks/shoko``.
"""
