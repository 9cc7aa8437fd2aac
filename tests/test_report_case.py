"""A real case for the report tests: real files through the real intake into a real SQLite home.

The files (a chat export, an SMS backup, a call-log backup, a WAV recording)
are written here and taken in by `recorder.intake.ingest_file`. Their segments
are stored with `store.segments.replace_segments` (the readers live in other
areas and the audio is a test tone, so the transcript is given here), and the
promises are the rows the extractor would write, inserted with sqlite-utils.
`tests/test_report_pipeline.py` runs the real readers instead, when present.
"""

from __future__ import annotations

import math
import struct
import wave
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from recorder.home import Home
from recorder.intake import ingest_file
from store.segments import replace_segments
from transcribe.segment import Flag, Segment

ZONE = ZoneInfo("Asia/Shanghai")
CASE = "网商贷"
HOSTILE_SCRIPT = "<script>document.title='pwned'</script>"
HOSTILE_IMG = '<img src=x onerror="document.title=\'pwned\'">'
PERSONAL_PHONE = "13812345678"
ID_CARD = "11010519900307123X"

CHAT = f"""2024-08-15 10:02 我：你好，我的网商贷逾期了，想申请减免违约金，我的手机是{PERSONAL_PHONE}
2024-08-15 10:03 客服：您好，已为您查询，目前逾期金额为12,480.50元，身份证{ID_CARD}已核实
2024-08-15 10:05 客服：如果您在8月20日前先还两千，我们可以帮您减免违约金
2024-08-15 10:06 我：好的，我20号之前还两千 {HOSTILE_SCRIPT}
2024-08-15 10:07 客服：另外我们会在三个工作日内停止催收电话 {HOSTILE_IMG}
2024-08-15 10:12 我：好的，谢谢，有问题打95188吗？
"""

SMS = """<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="2">
  <sms protocol="0" address="95188" date="1723688400000" type="1" body="【网商银行】您申请的违约金减免已受理，请于2024年8月20日前还款2000元。" readable_date="2024-08-15T10:20:00" contact_name="网商银行" />
  <sms protocol="0" address="95188" date="1724634000000" type="1" body="【网商银行】您的借款已逾期，违约金将按日计收，请立即还款。" readable_date="2024-08-26T09:00:00" contact_name="网商银行" />
</smses>
"""

CALLS = """<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<calls count="2">
  <call number="95188" duration="312" date="1723617130000" type="1" readable_date="2024-08-14T14:32:10" contact_name="网商银行" />
  <call number="95188" duration="0" date="1724397000000" type="3" readable_date="2024-08-23T15:10:00" contact_name="网商银行" />
</calls>
"""

AUDIO_NAME = "网商银行客服(95188)_20240814143210.wav"


@dataclass
class Case:
    home: Home
    ids: dict[str, int]  # chat, sms, calls, audio -> evidence id
    promise_ids: dict[str, int]


def write_wav(path: Path, seconds: float = 12.0, rate: int = 8000) -> None:
    """A real (if tuneless) phone-quality recording: a 440 Hz tone."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                          for i in range(int(seconds * rate)))
        w.writeframes(frames)


def write_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "chat": folder / "在线客服聊天记录_20240815_101500.txt",
        "sms": folder / "sms-20240826.xml",
        "calls": folder / "calls-20240826.xml",
        "audio": folder / AUDIO_NAME,
    }
    files["chat"].write_text(CHAT, encoding="utf-8")
    files["sms"].write_text(SMS, encoding="utf-8")
    files["calls"].write_text(CALLS, encoding="utf-8")
    write_wav(files["audio"])
    return files


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def _chat_segments() -> list[Segment]:
    segments = []
    for n, line in enumerate(CHAT.strip().splitlines(), start=1):
        stamp, rest = line[:16], line[17:]
        name, _, text = rest.partition("：")
        party = "me" if name == "我" else "them"
        segments.append(Segment(text=text, party=party, speaker=None if party == "me" else name, at=_at(stamp),
                                position={"line": n}, meta={"type": "chat"}))
    return segments


def _sms_segments() -> list[Segment]:
    return [
        Segment(text="【网商银行】您申请的违约金减免已受理，请于2024年8月20日前还款2000元。", party="them", speaker="网商银行",
                at=_at("2024-08-15 10:20"), position={"line": 3},
                meta={"type": "sms", "address": "95188", "status": "received", "contact": "网商银行"}),
        Segment(text="【网商银行】您的借款已逾期，违约金将按日计收，请立即还款。", party="them", speaker="网商银行",
                at=_at("2024-08-26 09:00"), position={"line": 4},
                meta={"type": "sms", "address": "95188", "status": "received", "contact": "网商银行"}),
    ]


def _call_segments() -> list[Segment]:
    return [
        Segment(text="来电 95188（网商银行） 通话 5分12秒", party="them", speaker="网商银行", at=_at("2024-08-14 14:32:10"),
                position={"line": 3}, meta={"type": "call", "direction": "incoming", "duration": 312,
                                            "number": "95188", "contact": "网商银行"}),
        Segment(text="未接来电 95188（网商银行）", party="them", speaker="网商银行", at=_at("2024-08-23 15:10"),
                position={"line": 4}, meta={"type": "call", "direction": "missed", "duration": 0,
                                            "number": "95188", "contact": "网商银行"}),
    ]


def _audio_segments() -> tuple[list[Segment], list[Flag]]:
    segments = [
        Segment(text="您好，这里是网商银行客服。", start=0.0, end=2.5, party="them", speaker="客服"),
        Segment(text="我们可以给您减免违约金八百元，月底前办好。", start=3.0, end=6.5, party="them", speaker="客服"),
        Segment(text="谢谢观看，请订阅。", start=9.0, end=11.5, flags=("hallucination",)),
    ]
    flags = [Flag("dropped_speech", "speech between 6.5 s and 9.0 s has no transcript", 6.5, 9.0)]
    return segments, flags


def _store(home: Home, evidence_id: int, segments: list[Segment], reader: str, flags: list[Flag] = ()) -> None:
    db = home.db()
    recorded = datetime.fromisoformat(db["evidence"].get(evidence_id)["recorded_at"])
    with db.conn:
        replace_segments(db, evidence_id, segments, recorded_at=recorded, reader=reader, flags=list(flags))
        db.conn.execute("UPDATE evidence SET state = 'done' WHERE id = ?", [evidence_id])
        db.conn.execute("UPDATE jobs SET state = 'done' WHERE evidence_id = ?", [evidence_id])
        if reader == "faster-whisper:base":
            db.conn.execute("UPDATE evidence SET meta = ? WHERE id = ?", ['{"duration": 12.0}', evidence_id])


def _segment_id(db, evidence_id: int, idx: int) -> int:
    return db.conn.execute("SELECT id FROM segments WHERE evidence_id = ? AND idx = ?", [evidence_id, idx]).fetchone()[0]


def _promises(home: Home, ids: dict[str, int]) -> dict[str, int]:
    db = home.db()
    now = datetime.now(ZONE).isoformat()
    rows = {
        "waiver": {"evidence_id": ids["chat"], "segment_id": _segment_id(db, ids["chat"], 2), "party": "them",
                   "kind": "waiver", "text": "如果您在8月20日前先还两千，我们可以帮您减免违约金", "amount": None,
                   "currency": None, "due": None, "said_at": _at("2024-08-15 10:05").isoformat(),
                   "condition": "8月20日前先还2000元"},
        "pay": {"evidence_id": ids["chat"], "segment_id": _segment_id(db, ids["chat"], 3), "party": "me",
                "kind": "payment", "text": "好的，我20号之前还两千", "amount": 2000.0, "currency": "CNY",
                "due": _at("2024-08-20 23:59:59").isoformat(), "said_at": _at("2024-08-15 10:06").isoformat()},
        "stop": {"evidence_id": ids["chat"], "segment_id": _segment_id(db, ids["chat"], 4), "party": "them",
                 "kind": "stop_collection", "text": "另外我们会在三个工作日内停止催收电话", "amount": None,
                 "currency": None, "due": _at("2024-08-20 23:59:59").isoformat(),
                 "said_at": _at("2024-08-15 10:07").isoformat()},
        "audio": {"evidence_id": ids["audio"], "segment_id": _segment_id(db, ids["audio"], 1), "party": "them",
                  "kind": "waiver", "text": "我们可以给您减免违约金八百元，月底前办好。", "amount": 800.0,
                  "currency": "CNY", "due": _at("2024-08-31 23:59:59").isoformat(),
                  "said_at": _at("2024-08-14 14:32:13").isoformat(), "offset": 3.0},
    }
    out = {}
    with db.conn:
        for key, row in rows.items():
            out[key] = db["promises"].insert({**row, "status": "open", "created_at": now}).last_pk
        db["promise_edits"].insert_all([
            {"promise_id": out["pay"], "at": now, "field": "status", "value": "kept"},
            {"promise_id": out["stop"], "at": now, "field": "status", "value": "broken"},
            {"promise_id": out["stop"], "at": now, "field": "note", "value": "8月23日仍有催收来电"},
        ])
        db["flags"].insert({"evidence_id": ids["sms"], "kind": "contradiction", "promise_id": out["waiver"],
                            "detail": "8月26日短信仍称违约金按日计收", "created_at": now})
    return out


def make_case(home: Home, inbox: Path) -> Case:
    """Ingest the four files into `home` and store what the readers and the extractor would."""
    files = write_files(inbox / CASE)
    db = home.db()
    ids = {key: ingest_file(home, db, path, case=CASE).evidence_id for key, path in files.items()}
    _store(home, ids["chat"], _chat_segments(), "chatlog")
    _store(home, ids["sms"], _sms_segments(), "sms_xml")
    _store(home, ids["calls"], _call_segments(), "sms_xml")
    segments, flags = _audio_segments()
    _store(home, ids["audio"], segments, "faster-whisper:base", flags)
    with db.conn:
        db.conn.execute("UPDATE evidence SET meta = ? WHERE id = ?",
                        ['{"sms_backup": {"kind": "calls"}}', ids["calls"]])
    return Case(home, ids, _promises(home, ids))


NOW = datetime(2024, 9, 1, 12, 0, tzinfo=ZONE)

