"""Browser tests: real headless Chromium through Playwright, against a live server."""
