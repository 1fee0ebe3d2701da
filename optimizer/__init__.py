"""Allocation, routing and plans (layer above network)."""
