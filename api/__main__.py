"""`python -m api` runs the `siaga` command line."""

from api.cli import app

app(prog_name="siaga")
