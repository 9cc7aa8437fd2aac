"""The optional openai-whisper engine, run for real on the embedded weights.

The checkpoint is converted once per session from the embedded CTranslate2 model with
`shared/tools/ct2_to_openai.py` into the model cache (not the repo), where the engine
looks for it by default; later sessions reuse it. Skipped when the `openai` extra is
not installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import shared_dir

pytest.importorskip("whisper", reason="the openai extra is not installed (pip install 'debt-recorder[openai]')")
pytest.importorskip("torch")

from store.extract.normalize import to_simplified  # noqa: E402
from transcribe.cer import cer  # noqa: E402
from transcribe.engines import load_engine  # noqa: E402
from transcribe.engines.openai import DEFAULT_CHECKPOINT  # noqa: E402
from transcribe.errors import ReadError  # noqa: E402
from transcribe.models import cache_dir, embedded_model_dir  # noqa: E402
from transcribe.reader import read_audio  # noqa: E402
from transcribe.segment import ReadContext  # noqa: E402

REFERENCE = "欢迎大家来体验达摩院推出的语音识别模型"


@pytest.fixture(scope="session")
def checkpoint() -> Path:
    """The embedded model as an openai-whisper checkpoint, converted once and cached."""
    target = cache_dir() / DEFAULT_CHECKPOINT
    if not target.exists():
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tools = shared_dir() / "tools"
        subprocess.run([sys.executable, str(tools / "ct2_to_openai.py"), str(embedded_model_dir()), str(tmp)],
                       cwd=tools, check=True, capture_output=True)
        os.replace(tmp, target)
    return target


def read(path: Path, **settings):
    ctx = ReadContext(datetime(2024, 8, 18, tzinfo=timezone.utc), "Asia/Shanghai", path.name,
                      {"transcribe": {"engine": "openai-whisper", **settings}})
    return read_audio(path, ctx)


def test_openai_engine_transcribes_real_mandarin_on_the_same_weights(shared, checkpoint):
    result = read(shared / "speech" / "funasr_asr_example.wav", model=str(checkpoint))
    text = to_simplified("".join(s.text for s in result.segments))
    assert cer(text, REFERENCE) <= 0.35, text
    assert result.reader == f"openai-whisper:{checkpoint.stem}-float32"
    assert result.meta["language"] == "zh"
    assert result.meta["settings"]["engine"] == "openai-whisper"
    assert result.meta["settings"]["model_source"] == str(checkpoint)
    assert all(0.0 <= s.start < s.end <= 5.6 for s in result.segments)


def test_openai_engine_finds_the_cached_checkpoint_and_rejects_a_folder(checkpoint, tmp_path):
    engine = load_engine("openai-whisper")  # no model: the converted checkpoint in the model cache
    assert engine.model_label == "base" and engine.settings["model_source"] == str(checkpoint)
    with pytest.raises(ReadError, match="checkpoint file"):
        load_engine("openai-whisper", str(tmp_path))
