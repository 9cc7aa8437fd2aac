"""Who is `me`: the names and addresses the user set in config.toml, plus the usual words for self.

```toml
[parties]
me = ["张三", "zhangsan@example.com", "13800138000"]
```

Matching ignores case and surrounding spaces; phone numbers also match without
the +86 country code or separators, so "+86 138-0013-8000" is the same person;
a name tagged with an account (`张三(123456789)`) matches on either part.
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


_TAGGED = re.compile(r"^(?P<name>.*?)\s*[(（<《](?P<tag>[^)）>》]*)[)）>》]\s*$")


def party_of(name: str | None, me: set[str]) -> str | None:
    """`me` when the name is one of the user's, `them` for any other name, None when there is none.

    Exports tag names with an account: QQ writes `张三(123456789)`, mail clients
    `张三 <zhangsan@example.com>`; either part may be what the user listed.
    """
    if name is None or not name.strip():
        return None
    candidates = [name]
    if m := _TAGGED.match(name.strip()):
        candidates += [m["name"], m["tag"]]
    return "me" if any(c.strip() and normalize_name(c) in me for c in candidates) else "them"
