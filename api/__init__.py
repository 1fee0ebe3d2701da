"""Command line, HTTP service and exports: the top layer; nothing imports it."""
