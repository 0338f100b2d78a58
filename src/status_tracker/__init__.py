"""Status Tracker: where is my request? One live page from Jellyseerr to "Watch now"."""

__version__ = "0.1.0"
