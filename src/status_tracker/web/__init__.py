"""The HTTP face: webhooks, the JSON API, live updates and the pages."""
