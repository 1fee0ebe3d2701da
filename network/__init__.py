"""Multimodal road/river/air network: damage, travel matrices, reachability (layer above scenarios)."""
