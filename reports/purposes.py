"""The user's own 证明目的 for the evidence list: stored by `store.purposes`, named here for the CLI."""

from __future__ import annotations

from store.purposes import PurposeError, get_purpose, set_purpose

__all__ = ["PurposeError", "get_purpose", "set_purpose"]
