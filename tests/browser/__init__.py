"""Real-browser tests: Debian's chromium driven by Playwright against pages served on 127.0.0.1."""
