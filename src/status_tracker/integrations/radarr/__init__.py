"""Radarr (API v3): webhook translation (Grab, Download, ManualInteractionRequired) and
an API client for queue, history, lookup and search."""
