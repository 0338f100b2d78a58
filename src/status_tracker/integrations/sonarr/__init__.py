"""Sonarr (API v3): webhook translation (Grab, Download, ImportComplete,
ManualInteractionRequired) and an API client for queue, history, lookup and search."""
