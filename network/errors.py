"""Errors of the network layer."""

from __future__ import annotations

__all__ = ["NetworkError", "NodeNotFound"]


class NetworkError(ValueError):
    """A network could not be built or queried."""


class NodeNotFound(NetworkError, KeyError):
    """A node id is not in the network."""
