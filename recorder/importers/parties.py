"""Who is `me`: the names and addresses the user set in config.toml, plus the usual words for self.

```toml
[parties]
me = ["张三", "zhangsan@example.com", "13800138000"]
```

Matching ignores case and surrounding spaces; phone numbers also match without
the +86 country code or separators, so "+86 138-0013-8000" is the same person.
"""

from __future__ import annotations

import re
from typing import Any

SELF_WORDS = ("我", "me", "myself", "本人", "自己")


def me_names(config: dict[str, Any] | None) -> set[str]:
    """Normalized names/addresses that mean the user, from `[parties] me` and the self words."""
    raw = ((config or {}).get("parties") or {}).get("me") or []
    if isinstance(raw, str):
        raw = [raw]
    return {normalize_name(str(n)) for n in [*SELF_WORDS, *raw] if str(n).strip()}


def normalize_name(name: str) -> str:
    """Lower-cased, trimmed; a phone number reduced to its last 11 digits."""
    name = name.strip().lower()
    digits = re.sub(r"[\s\-()+]", "", name)
    if digits.isdigit() and len(digits) >= 11:
        return digits[-11:]
    return name


def party_of(name: str | None, me: set[str]) -> str | None:
    """`me` when the name is one of the user's, `them` for any other name, None when there is none."""
    if name is None or not name.strip():
        return None
    return "me" if normalize_name(name) in me else "them"
