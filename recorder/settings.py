"""Which settings `config.toml` may hold, so that a misspelt one is named instead of ignored.

A key the program does not know (`[transcrbe]`, `tz_name = …`) would otherwise be silently
ignored and the user would believe it applied. Each area lists its table here; a new area adds
one line to `KNOWN`. `unknown_settings` only names them: the CLI prints a warning and goes on.
"""

from __future__ import annotations

from typing import Any

TOP_LEVEL = frozenset({"tz", "display", "lang"})
KNOWN: dict[str, frozenset[str]] = {
    # keep in step with transcribe.reader.Settings (tests/test_cli_home.py checks)
    "transcribe": frozenset({"engine", "model", "language", "me_channel", "beam_size", "threads", "device", "vad",
                             "domain_hotwords", "words_file", "initial_prompt", "speakers",
                             "condition_on_previous_text"}),
    "parties": frozenset({"me"}),
    "screenshot": frozenset({"me_side", "max_pixels", "chrome_top", "chrome_bottom"}),
    "chatlog": frozenset({"max_mb", "max_lines"}),
    "pdf": frozenset({"party", "min_text_chars", "max_ocr_pages"}),
}


def unknown_settings(config: dict[str, Any]) -> list[str]:
    """Every section or key of `config` that nothing reads: `[name]` or `section.key` or `key`."""
    found = []
    for key, value in config.items():
        if key in KNOWN:
            if isinstance(value, dict):
                found += [f"{key}.{k}" for k in value if k not in KNOWN[key]]
        elif key not in TOP_LEVEL:
            found.append(f"[{key}]" if isinstance(value, dict) else key)
    return found
