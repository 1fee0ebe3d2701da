"""Multimodal road/river/air network: damage, travel matrices, reachability."""
