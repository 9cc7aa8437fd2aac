"""Speaker embeddings: Resemblyzer's voice encoder, run in numpy (no torch).

Design: the weights are the ones the `resemblyzer` wheel ships (`resemblyzer/pretrained.pt`,
Apache-2.0; a 3-layer LSTM over 40 mel bands, projected to 256 values). The wheel is installed
without its dependencies (`scripts/setup.sh`, `requirements-nodeps.txt`), so torch, librosa
and webrtcvad stay out of the default install; this module finds the file without importing
the package, reads torch's legacy checkpoint format itself (only tensors and dicts are
allowed out of the pickle: nothing in the file can run code), and runs the same network in
numpy. `tests/test_speakers.py` holds it to torch's own LSTM on the same input where torch
is installed.

An embedding is L2-normed and non-negative (a ReLU before the norm), so the cosine similarity
of two voices is their dot product, between 0 and 1.
"""

from __future__ import annotations

import importlib.util
import pickle
import struct
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from transcribe.errors import ReadError

SAMPLE_RATE = 16000
N_FFT = 400  # 25 ms window
HOP = 160  # 10 ms step
N_MELS = 40
PARTIAL_FRAMES = 160  # 1.6 s of audio per partial utterance, as the encoder was trained
HIDDEN = 256
INSTALL_HINT = "pip install --no-deps resemblyzer==0.1.4"


class EncoderMissing(ReadError):
    """The voice encoder's weights are not installed."""


def weights_path() -> Path:
    """`pretrained.pt` inside the installed resemblyzer package, found without importing it
    (importing it would import torch)."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise EncoderMissing(f"The voice encoder for telling speakers apart is not installed; run `{INSTALL_HINT}`.")
    path = Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"
    if not path.is_file():
        raise EncoderMissing(f"The resemblyzer package has no pretrained.pt; reinstall it: `{INSTALL_HINT}`.")
    return path


# --- torch's legacy checkpoint format, read without torch -----------------------------------

_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
           "LongStorage": np.int64, "IntStorage": np.int32}


@dataclass(frozen=True)
class _Tensor:
    """A tensor as the pickle describes it; filled from its storage once the storages are read."""

    key: str
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]


@dataclass(frozen=True)
class _StorageType:
    dtype: type


def _rebuild_tensor(storage: str, offset: int, size: tuple, stride: tuple, *_ignored) -> _Tensor:
    return _Tensor(storage, offset, tuple(size), tuple(stride))


class _Unpickler(pickle.Unpickler):
    """Allows only what a state dict is made of: dicts, tensors and their storages."""

    def __init__(self, file, dtypes: dict[str, type]) -> None:
        super().__init__(file, encoding="utf-8")
        self.dtypes = dtypes

    def find_class(self, module: str, name: str):
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
            return _rebuild_tensor
        if module == "torch" and name in _DTYPES:
            return _StorageType(_DTYPES[name])
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in the voice encoder weights")

    def persistent_load(self, pid):
        # ("storage", storage type, key, location, number of elements[, view])
        if pid[0] != "storage" or not isinstance(pid[1], _StorageType):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid[0]!r} in the voice encoder weights")
        self.dtypes[pid[2]] = pid[1].dtype
        return pid[2]


def load_state_dict(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a legacy (non-zip) torch checkpoint as float32 numpy arrays.

    The legacy format is five pickles (magic number, protocol, system info, the object with
    tensors pointing at storages by key, the storage keys in order) and then each storage's
    raw bytes after its element count.
    """
    dtypes: dict[str, type] = {}
    with open(path, "rb") as f:
        for _ in range(3):
            _Unpickler(f, dtypes).load()
        obj = _Unpickler(f, dtypes).load()
        keys = _Unpickler(f, dtypes).load()
        storages = {}
        for key in keys:
            (numel,) = struct.unpack("<q", f.read(8))
            dtype = np.dtype(dtypes[key])
            storages[key] = np.frombuffer(f.read(numel * dtype.itemsize), dtype=dtype, count=numel)
    state = obj.get("model_state", obj)
    out = {}
    for name, t in state.items():
        data = storages[t.key][t.offset:]
        strides = tuple(s * data.itemsize for s in t.stride)
        out[name] = np.lib.stride_tricks.as_strided(data, t.size, strides).astype(np.float32)
    return out


# --- features: librosa's mel power spectrogram, in numpy -------------------------------------

def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    """Slaney's mel scale (librosa's default, htk=False): linear below 1 kHz, log above."""
    f = np.asarray(f, dtype=np.float64)
    mels = f / (200.0 / 3)
    log_part = f >= 1000.0
    return np.where(log_part, 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0), mels)


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    return np.where(m >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0)), m * (200.0 / 3))


@lru_cache(maxsize=1)
def mel_filters() -> np.ndarray:
    """(N_MELS, N_FFT // 2 + 1) triangular filters with Slaney area normalisation, as librosa's."""
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), N_MELS + 2))
    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, N_FFT // 2 + 1)
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:N_MELS] / fdiff[:N_MELS, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2:N_MELS + 2] - mel_f[:N_MELS]))[:, None]
    return weights.astype(np.float32)


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    n = np.arange(N_FFT)
    return (0.5 - 0.5 * np.cos(2 * np.pi * n / N_FFT)).astype(np.float32)  # periodic Hann


def mel_spectrogram(wav: np.ndarray) -> np.ndarray:
    """(frames, N_MELS) mel power spectrogram: centred frames, zero-padded ends (librosa >= 0.10)."""
    padded = np.pad(wav.astype(np.float32), N_FFT // 2)
    n_frames = 1 + (len(padded) - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(
        padded, (n_frames, N_FFT), (padded.strides[0] * HOP, padded.strides[0]))
    power = np.abs(np.fft.rfft(frames * _window(), axis=1)) ** 2
    return (power.astype(np.float32) @ mel_filters().T).astype(np.float32)


def normalize_volume(wav: np.ndarray, target_dbfs: float = -30.0) -> np.ndarray:
    """Speech brought to the encoder's training level (-30 dBFS RMS).

    Its input is a linear (not log) spectrogram, so level changes what it sees. Resemblyzer
    only raises quiet audio; here loud audio is lowered too, so a near voice and a far voice
    are compared as voices, not as levels (level is a cue of its own, see `speakers`).
    """
    rms = float(np.sqrt(np.mean(wav.astype(np.float64) ** 2)))
    if rms < 1e-6:
        return wav.astype(np.float32)
    return (wav * (10 ** (target_dbfs / 20) / rms)).astype(np.float32)


# --- the network ------------------------------------------------------------------------------

def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


class VoiceEncoder:
    """The LSTM voice encoder over batches of 1.6 s partial utterances."""

    def __init__(self, state: dict[str, np.ndarray]) -> None:
        self.layers = [(state[f"lstm.weight_ih_l{i}"].T.copy(), state[f"lstm.weight_hh_l{i}"].T.copy(),
                        state[f"lstm.bias_ih_l{i}"] + state[f"lstm.bias_hh_l{i}"]) for i in range(3)]
        self.proj_w, self.proj_b = state["linear.weight"].T.copy(), state["linear.bias"]

    def forward(self, mels: np.ndarray) -> np.ndarray:
        """(batch, frames, N_MELS) -> (batch, 256) L2-normed embeddings, as the torch model's."""
        x = mels.astype(np.float32)
        batch, steps, _ = x.shape
        h = np.zeros((batch, HIDDEN), np.float32)
        for w_ih, w_hh, bias in self.layers:
            inputs = x @ w_ih + bias  # every step's input part at once
            h = np.zeros((batch, HIDDEN), np.float32)
            c = np.zeros((batch, HIDDEN), np.float32)
            outputs = np.empty((batch, steps, HIDDEN), np.float32)
            for t in range(steps):
                gates = inputs[:, t] + h @ w_hh
                i, f, g, o = np.split(gates, 4, axis=1)  # torch's gate order
                c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
                h = _sigmoid(o) * np.tanh(c)
                outputs[:, t] = h
            x = outputs
        raw = np.maximum(h @ self.proj_w + self.proj_b, 0.0)
        return raw / np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-9)


@lru_cache(maxsize=1)
def load_encoder() -> VoiceEncoder:
    """The encoder with the installed weights, loaded once per process."""
    return VoiceEncoder(load_state_dict(weights_path()))


def partial_starts(n_samples: int, rate: float = 1.3, min_coverage: float = 0.75) -> list[int]:
    """First frames of the 1.6 s partials that cover `n_samples`, placed as Resemblyzer places them."""
    n_frames = int(np.ceil((n_samples + 1) / HOP))
    step = max(1, int(round(SAMPLE_RATE / rate / HOP)))
    starts = list(range(0, max(1, n_frames - PARTIAL_FRAMES + step + 1), step))
    coverage = (n_samples - starts[-1] * HOP) / (PARTIAL_FRAMES * HOP)
    if len(starts) > 1 and coverage < min_coverage:
        starts.pop()
    return starts


def partial_mels(wav: np.ndarray, rate: float = 1.3) -> np.ndarray:
    """(partials, PARTIAL_FRAMES, N_MELS) for one stretch of speech, zero-padded at the end."""
    starts = partial_starts(len(wav), rate)
    need = (starts[-1] + PARTIAL_FRAMES) * HOP
    if need >= len(wav):
        wav = np.pad(wav, (0, need - len(wav)))
    mel = mel_spectrogram(wav)
    return np.stack([mel[s:s + PARTIAL_FRAMES] for s in starts])


def embed(wav: np.ndarray, rate: float = 1.3) -> np.ndarray:
    """One stretch of one voice as a 256-value embedding: the normed mean of its partials."""
    partials = load_encoder().forward(partial_mels(normalize_volume(wav), rate))
    mean = partials.mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-9)
