"""The coordinator console: a signed-in web page for the desk work (see bot/console/web.py)."""
