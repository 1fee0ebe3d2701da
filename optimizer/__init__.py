"""Allocation, routing and plans (layer above network): `allocation` (the LP and its check), `routing`,
`plan`, `study` (stockpiles), `instance` (the compiled scenario), `lp` and `progress` shared by them."""
