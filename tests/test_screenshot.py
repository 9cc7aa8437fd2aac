"""Chat screenshots read with the real RapidOCR engine: party from the bubble side, time from the stamps.

The screenshots are drawn by `tests/fixtures/screens/draw.py` with CJK fonts (committed PNGs, so
the tests need no font) in three layouts: a WeChat-like phone screenshot with avatars, a cropped
in-app chat with timestamp pills and no avatars, a dark theme scaled to a 1080-wide phone; plus a
scrolled pair that overlaps and the demo's sample; plus long messages from both sides whose wide
bubbles put the text near the middle (WeChat light and dark, an SMS app with an avatar on one side
only). `expected.json` holds what each must read as.
"""

from __future__ import annotations

import io
import json
import struct
import unicodedata
import zlib
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from transcribe import ocr
from transcribe.errors import ReadError
from transcribe.screenshot import drop_repeated_runs, merge_overlap, read_screenshot
from transcribe.segment import ReadContext, Segment

SCREENS = Path(__file__).parent / "fixtures" / "screens"
EXPECTED = json.loads((SCREENS / "expected.json").read_text(encoding="utf-8"))
SAMPLE = Path(__file__).parents[1] / "samples" / "网商贷" / "Screenshot_20240819_091500_网商银行.png"
TZ = "Asia/Shanghai"


@pytest.fixture(scope="session")
def ocr_engine():
    """RapidOCR built once for the whole test session (three ONNX sessions, ~2 s)."""
    return ocr.engine()


def ctx(recorded_at: str = EXPECTED["recorded_at"], config: dict | None = None) -> ReadContext:
    return ReadContext(recorded_at=datetime.fromisoformat(recorded_at), tz=TZ, original_name="shot.png",
                       config=config or {})


def norm(text: str) -> str:
    """OCR reads full-width ？ as ?; compare the way merge_overlap does (NFKC, no spaces)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def as_expected(seg: Segment) -> dict:
    out = {"party": seg.party, "text": norm(seg.text), "type": seg.meta["type"]}
    if seg.meta["type"] == "message":
        out["at"] = seg.at.isoformat() if seg.at else None
    return out


def expected(items: list[dict]) -> list[dict]:
    return [{**item, "text": norm(item["text"])} for item in items]


@pytest.mark.parametrize("name", ["wechat_avatars.png", "app_timestamps.png", "dark_mode.png",
                                  "wide_wechat.png", "wide_dark.png", "wide_sms.png"])
def test_every_message_has_its_party_and_time(ocr_engine, name: str) -> None:
    result = read_screenshot(SCREENS / name, ctx())
    assert result.reader == "rapidocr"
    assert result.flags == []
    assert [as_expected(s) for s in result.segments] == expected(EXPECTED[name])


@pytest.mark.parametrize("name", ["wide_wechat.png", "wide_dark.png", "wide_sms.png"])
def test_wide_bubble_side_comes_from_the_bubble_not_the_text(ocr_engine, name: str) -> None:
    """A long message's text sits near the middle; its bubble, avatar and colour still say whose it is."""
    result = read_screenshot(SCREENS / name, ctx())
    width = result.meta["image"]["width"]
    wide = [s for s in result.segments if s.meta["type"] == "message"
            and s.position["box"][2] - s.position["box"][0] > 0.5 * width]
    assert {s.party for s in wide} == {"me", "them"}  # long messages from both sides are drawn
    for seg in wide:
        x0, y0, x1, y1 = seg.position["box"]
        bx0, by0, bx1, by1 = seg.meta["bubble_box"]
        assert bx0 < x0 < x1 < bx1 and by0 < y0 < y1 < by1  # the bubble's own background around the text
        assert {"avatar", "edge", "colour"} & set(seg.meta["side_by"])  # placed by the pixels, not the text


@pytest.mark.parametrize("name", ["group_names.png", "labels_with_times.png"])
def test_labels_above_bubbles_give_speaker_and_time(ocr_engine, name: str) -> None:
    """Group chats print the sender's name above a bubble; customer-service chats also its own time."""
    result = read_screenshot(SCREENS / name, ctx())
    want = EXPECTED[name]
    assert [as_expected(s) for s in result.segments] == expected([{k: v for k, v in m.items() if k != "speaker"}
                                                                   for m in want])
    assert [s.speaker for s in result.segments] == [m["speaker"] for m in want]
    named = result.segments[0]
    assert named.meta["speaker_box"][3] <= named.position["box"][1]  # the name sits above its bubble


def test_a_short_message_is_not_taken_for_a_name() -> None:
    """Two bubbles in a row from one side start at the same x: both stay messages."""
    from transcribe.chat_layout import group_bubbles
    from transcribe.ocr import OcrLine

    lines = [OcrLine("好的", (110, 200, 170, 230), 0.99), OcrLine("我马上处理，请稍等", (111, 262, 400, 292), 0.99),
             OcrLine("王经理", (96, 400, 180, 428), 0.99), OcrLine("已经处理好了", (111, 452, 330, 482), 0.99)]
    bubbles = group_bubbles(lines, 720)
    assert [(b.text, b.speaker.text if b.speaker else None) for b in bubbles] == [
        ("好的", None), ("我马上处理，请稍等", None), ("已经处理好了", "王经理")]


def test_boxes_point_into_the_image_top_to_bottom(ocr_engine) -> None:
    result = read_screenshot(SCREENS / "wechat_avatars.png", ctx())
    width, height = result.meta["image"]["width"], result.meta["image"]["height"]
    tops = []
    for seg in result.segments:
        x0, y0, x1, y1 = seg.position["box"]
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
        tops.append(y0)
        side = "right" if seg.party == "me" else "left"
        if seg.party is not None:  # the bubble sits on its party's side of the screen
            assert (x0 + x1) / 2 > width / 2 if side == "right" else (x0 + x1) / 2 < width / 2
    assert tops == sorted(tops)
    # the stamps each message took its time from are kept with their own boxes
    assert [s["text"].replace(" ", "") for s in result.meta["stamps"]] == ["2024年8月14日下午2:32", "昨天09:15"]
    assert result.segments[0].meta["time_box"] == result.meta["stamps"][0]["box"]
    # the status-bar clock, the title and the input bar are phone chrome, never messages
    chrome = {c["text"] for c in result.meta["chrome"]}
    assert {"9:41", "网商银行客服", "发送"} <= chrome


def test_scrolled_pair_merges_without_doubling(ocr_engine) -> None:
    first = read_screenshot(SCREENS / "scroll_1.png", ctx()).segments
    second = read_screenshot(SCREENS / "scroll_2.png", ctx()).segments
    # the second frame starts with messages that are also at the bottom of the first
    assert {norm(s.text) for s in second} & {norm(s.text) for s in first}
    # and its first messages sit above its first timestamp: alone, their time is unknown
    assert second[0].at is None and second[0].meta["time"] == "unknown"
    new = merge_overlap(first, second)
    assert [as_expected(s) for s in first + new] == expected(EXPECTED["scroll_all"])
    # the same screen twice adds nothing
    assert merge_overlap(first, first) == []
    # paging back through history (the later screenshot shows earlier messages): the overlap is at its end
    back = merge_overlap(second, first)
    assert [as_expected(s) for s in back] == expected(EXPECTED["scroll_all"][:4])


def test_stitched_long_screenshot_keeps_each_message_once(ocr_engine, tmp_path: Path) -> None:
    """A "long screenshot" stitched from both frames repeats the overlap inside one image."""
    first, second = Image.open(SCREENS / "scroll_1.png"), Image.open(SCREENS / "scroll_2.png")
    long_shot = Image.new("RGB", (720, 1180 + 1180), "#EDEDED")
    long_shot.paste(first.crop((0, 0, 720, 1180)), (0, 0))  # status and title bars, chat, no input bar
    long_shot.paste(second.crop((0, 100, 720, 1280)), (0, 1180))  # chat and input bar
    path = tmp_path / "long.png"
    long_shot.save(path)
    result = read_screenshot(path, ctx())
    assert [as_expected(s) for s in result.segments] == expected(EXPECTED["scroll_all"])
    assert result.meta["repeated_dropped"] == 4
    assert {c["text"] for c in result.meta["chrome"]} >= {"9:41", "网商银行客服", "发送"}


def test_me_side_is_configurable(ocr_engine) -> None:
    result = read_screenshot(SCREENS / "app_timestamps.png", ctx(config={"screenshot": {"me_side": "left"}}))
    flipped = {"me": "them", "them": "me"}
    assert [s.party for s in result.segments] == [flipped[m["party"]] for m in EXPECTED["app_timestamps.png"]]
    with pytest.raises(ReadError, match="me_side"):
        read_screenshot(SCREENS / "app_timestamps.png", ctx(config={"screenshot": {"me_side": "up"}}))
    with pytest.raises(ReadError, match="must be numbers"):
        read_screenshot(SCREENS / "app_timestamps.png", ctx(config={"screenshot": {"max_pixels": "lots"}}))
    with pytest.raises(ReadError, match="between 0 and 0.5"):
        read_screenshot(SCREENS / "app_timestamps.png", ctx(config={"screenshot": {"chrome_top": 0.9}}))


def test_jpeg_of_the_same_chat_reads_the_same(ocr_engine, tmp_path: Path) -> None:
    jpg = tmp_path / "shot.jpg"
    Image.open(SCREENS / "wechat_avatars.png").convert("RGB").save(jpg, quality=75)
    result = read_screenshot(jpg, ctx())
    assert [as_expected(s) for s in result.segments] == expected(EXPECTED["wechat_avatars.png"])


def test_heic_screenshot(ocr_engine, tmp_path: Path) -> None:
    """iPhones save screenshots as HEIC; read when the `heic` extra (pillow-heif) is installed."""
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    heic = tmp_path / "IMG_0001.heic"
    Image.open(SCREENS / "app_timestamps.png").convert("RGB").save(heic, quality=90)
    result = read_screenshot(heic, ctx())
    assert [as_expected(s) for s in result.segments] == expected(EXPECTED["app_timestamps.png"])


def test_demo_sample_reads_the_agents_promises(ocr_engine) -> None:
    assert SAMPLE.stat().st_size < 200 * 1024
    sample = EXPECTED["sample"]
    result = read_screenshot(SAMPLE, ctx(sample["recorded_at"]))
    assert [as_expected(s) for s in result.segments] == expected(sample["messages"])
    texts = {norm(s.text): s for s in result.segments}
    waiver = texts[norm("您好，经核实可以为您申请减免违约金300元")]
    assert waiver.party == "them" and waiver.at.isoformat() == "2024-08-19T09:08:00+08:00"
    assert texts[norm("好的，我25号前还5000")].party == "me"


def test_ocr_engine_is_built_offline_from_the_wheel(monkeypatch) -> None:
    """RapidOCR downloads missing models by default; ours must never open a socket."""
    import socket

    from rapidocr import RapidOCR

    def refuse(self, address):
        raise AssertionError(f"OCR tried to reach the network: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    params = ocr._engine_params(ocr.packaged_model_dir())
    assert all(Path(params[f"{stage}.model_path"]).is_file() for stage in ("Det", "Cls", "Rec"))
    fresh = RapidOCR(params=params)  # a second engine, so the cached one cannot hide a download
    img = Image.open(SCREENS / "app_timestamps.png").convert("RGB").crop((0, 430, 720, 560))
    out = fresh(np.ascontiguousarray(np.asarray(img)[:, :, ::-1]))  # BGR, as OpenCV
    assert "".join(out.txts) == "已为您提交二次分期申请，审核结果将短信通知"


# --- bad input -----------------------------------------------------------------------------


def png_declaring(width: int, height: int) -> bytes:
    """A tiny valid PNG whose header is patched to declare `width` x `height` pixels (an image bomb)."""
    buf = io.BytesIO()
    Image.new("L", (8, 8), 255).save(buf, format="PNG")
    data = bytearray(buf.getvalue())
    ihdr = 8  # signature; then length(4) type(4) data(13) crc(4)
    body = bytearray(data[ihdr + 8: ihdr + 8 + 13])
    body[0:8] = struct.pack(">II", width, height)
    data[ihdr + 8: ihdr + 8 + 13] = body
    data[ihdr + 21: ihdr + 25] = struct.pack(">I", zlib.crc32(b"IHDR" + bytes(body)))
    return bytes(data)


def test_image_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_declaring(100_000, 100_000))
    assert bomb.stat().st_size < 200
    with pytest.raises(ReadError, match=r"over the limit of 40,000,000 .*image bomb"):
        read_screenshot(bomb, ctx())  # so large that Pillow itself refuses to open it
    bomb.write_bytes(png_declaring(7_000, 7_000))
    with pytest.raises(ReadError, match=r"7000x7000 pixels, over the limit of 40,000,000"):
        read_screenshot(bomb, ctx())  # under Pillow's own limit, over Recorder's: refused on the header


def test_pixel_cap_is_configurable(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="over the limit of 100,000"):
        read_screenshot(SCREENS / "app_timestamps.png", ctx(config={"screenshot": {"max_pixels": 100_000}}))


def test_truncated_image_fails_with_a_clear_reason(tmp_path: Path) -> None:
    data = (SCREENS / "wechat_avatars.png").read_bytes()
    cut = tmp_path / "cut.png"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadError, match="truncated"):
        read_screenshot(cut, ctx())
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"this is not an image at all\n" * 10)
    with pytest.raises(ReadError, match="could not be decoded"):
        read_screenshot(junk, ctx())


def test_image_without_text_is_flagged_not_failed(ocr_engine, tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", (720, 400), "#EDEDED").save(blank)
    result = read_screenshot(blank, ctx())
    assert result.segments == []
    assert [f.kind for f in result.flags] == ["degraded"]
    assert "No chat text" in result.flags[0].detail


def test_low_confidence_lines_are_marked_uncertain() -> None:
    """The layout step after OCR (fed OCR lines directly): a weakly read bubble is flagged, not hidden."""
    from transcribe.ocr import OcrLine
    from transcribe.screenshot import layout_to_result

    lines = [OcrLine("14:32", (320, 20, 400, 48), 0.99), OcrLine("可以减免违约金300元", (110, 80, 420, 112), 0.98),
             OcrLine("好的，我25号前还5000", (330, 170, 610, 202), 0.55)]
    result = layout_to_result(lines, 720, 400, ctx())
    assert [(s.party, s.meta.get("uncertain", False)) for s in result.segments] == [("them", False), ("me", True)]
    assert [f.kind for f in result.flags] == ["degraded"] and "low OCR confidence" in result.flags[0].detail


def test_wrapped_centred_notice_is_one_notice() -> None:
    from transcribe.ocr import OcrLine
    from transcribe.screenshot import layout_to_result

    lines = [OcrLine("昨天 14:32", (303, 20, 417, 48), 0.99),
             OcrLine("对方已开启朋友验证，你还不是他（她）朋友。请先", (150, 66, 570, 92), 0.99),
             OcrLine("发送朋友验证请求，对方验证通过后，才能聊天。", (165, 98, 555, 124), 0.99),
             OcrLine("请问还在吗", (110, 190, 260, 222), 0.99)]
    result = layout_to_result(lines, 720, 400, ctx())
    assert [(s.party, s.text, s.at.isoformat()) for s in result.segments] == [
        (None, "对方已开启朋友验证，你还不是他（她）朋友。请先发送朋友验证请求，对方验证通过后，才能聊天。",
         "2024-08-15T14:32:00+08:00"),
        ("them", "请问还在吗", "2024-08-15T14:32:00+08:00")]


# --- de-duplication on segments ----------------------------------------------------------------


def msg(party: str, text: str, at: str | None = None) -> Segment:
    return Segment(text=text, party=party, at=datetime.fromisoformat(at) if at else None, meta={"type": "message"})


def test_merge_overlap_rules() -> None:
    prev = [msg("them", "您的借款已逾期", "2024-08-12T10:20:00+08:00"), msg("me", "能否延期一个月"),
            msg("them", "可以申请延期，需要提供收入证明", "2024-08-12T10:21:00+08:00")]
    # a first message cut at the top of the screen still matches the end of the earlier one
    cur = [msg("me", "一个月"), msg("them", "可以申请延期，需要提供收入证明"), msg("me", "好的")]
    new = merge_overlap(prev, cur)
    assert [s.text for s in new] == ["好的"]
    assert new[0].at.isoformat() == "2024-08-12T10:21:00+08:00"  # carried over from the earlier frame
    assert new[0].meta["time_from"] == "previous screenshot"
    # same text by the other party is a different message
    assert merge_overlap(prev, [msg("me", "可以申请延期，需要提供收入证明")])[0].party == "me"
    # a lone short repeat ("好的") does not glue two unrelated screenshots
    assert len(merge_overlap([msg("me", "好的")], [msg("me", "好的"), msg("them", "再见")])) == 2
    # the earlier frame's last bubble was cut at the bottom of the screen: the fuller one is kept, marked
    cut_prev = [msg("them", "您的借款已逾期，请尽快处理", "2024-08-12T10:20:00+08:00"), msg("me", "我现在确实困难")]
    full = [msg("me", "我现在确实困难，能否延期一个月"), msg("them", "可以")]
    new = merge_overlap(cut_prev, full)
    assert [s.text for s in new] == ["我现在确实困难，能否延期一个月", "可以"]
    assert new[0].meta["completes_previous"] is True
    # scrolled up: the current frame's bottom repeats the previous frame's top
    later = [msg("them", "可以申请延期，需要提供收入证明"), msg("me", "好的")]
    earlier = [msg("them", "您的借款已逾期"), msg("me", "能否延期一个月"), msg("them", "可以申请延期，需要提供收入证明")]
    assert [s.text for s in merge_overlap(later, earlier)] == ["您的借款已逾期", "能否延期一个月"]
    # the same bubble read with one OCR slip in each frame is still the same message
    slipped = [msg("them", "可以申请延期，需要提供收人证明"), msg("me", "好的")]
    assert [s.text for s in merge_overlap(prev, slipped)] == ["好的"]
    # but two different amounts are different messages
    assert len(merge_overlap([msg("them", "可以减免违约金300元")], [msg("them", "可以减免违约金800元")])) == 1
    # nothing in common: everything is new, times untouched
    unrelated = [msg("them", "请尽快还款")]
    assert merge_overlap(prev, unrelated) == unrelated


def test_stitched_long_screenshot_drops_the_repeated_run() -> None:
    run = [msg("them", "您的延期申请已通过"), msg("me", "谢谢")]
    segs, dropped = drop_repeated_runs([msg("me", "在吗"), msg("me", "在吗"), *run, *run, msg("them", "不客气")])
    assert [s.text for s in segs] == ["在吗", "在吗", "您的延期申请已通过", "谢谢", "不客气"]
    assert dropped == 2
