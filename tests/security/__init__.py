"""Security tests: the audit of issue 19 kept as tests, one malformed input per case."""
