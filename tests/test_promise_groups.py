"""One commitment, one promise: mentions in a chat, an SMS and a call grouped in the ledger.

Real homes and the real extract job. The sentences are ones whose extraction gives a payment of
2,000 by 2024-08-20 (checked in the first test), so the assertions are on the grouped ledger, not
on the grammar.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from recorder.cli import cli
from recorder.home import Home
from store.custody import verify_chain
from store.followup import contradictions
from store.promises import (
    PUBLIC_KEYS,
    PromiseError,
    edit_promise,
    get_promise,
    list_promises,
    reject_source,
)
from tests.promise_fixtures import add_evidence

TZ = ZoneInfo("Asia/Shanghai")
AFTER_DUE = datetime(2024, 8, 25, 12, 0, tzinfo=TZ)
THEIRS = "您需要在8月20日前还款2000元"
MINE = "好的，我20号之前还两千"


def _chat(db, name="chat.txt", day="2024-08-15", case="网商贷"):
    return add_evidence(db, name, [(f"{day}T10:05:00+08:00", "them", THEIRS), (f"{day}T10:06:00+08:00", "me", MINE)],
                        case=case)


def _sms(db, name="sms.xml", at="2024-08-16T09:00:00+08:00", text=THEIRS):
    return add_evidence(db, name, [(at, "them", text)], kind="sms_xml", counterparty="95188")


def _call(db, name="call.m4a", recorded_at="2024-08-17T15:00:00+08:00", text=MINE):
    return add_evidence(db, name, [(None, "me", text)], kind="audio", recorded_at=recorded_at, starts=[5.0])


def _payments(db, **kw):
    return [r for r in list_promises(db, **kw) if (r["party"], r["kind"]) == ("me", "payment")]


@pytest.fixture
def db(home):
    db = home.db()
    _chat(db), _sms(db), _call(db)
    return db


def test_the_fixture_sentences_are_each_a_payment_of_2000_by_the_20th(db) -> None:
    mentions = list(db.query("SELECT party, kind, amount, substr(due, 1, 10) AS day FROM promises"))
    assert len(mentions) >= 3
    assert {tuple(m.values()) for m in mentions} == {("me", "payment", 2000.0, "2024-08-20")}


def test_a_chat_an_sms_and_a_call_give_one_promise(db) -> None:
    [pay] = _payments(db)
    sources = pay["sources"]
    assert len(sources) >= 3 and {s["evidence_id"] for s in sources} == {1, 2, 3}
    assert set(sources[0]) == {"id", "evidence_id", "offset", "text", "said_at"}
    assert [s["said_at"] for s in sources] == sorted(s["said_at"] for s in sources)
    assert pay["id"] == min(s["id"] for s in sources)
    first = next(s for s in sources if s["id"] == pay["id"])  # the row's own keys are its lowest mention's
    assert (pay["text"], pay["offset"], pay["said_at"], pay["evidence_id"]) == (
        first["text"], first["offset"], first["said_at"], first["evidence_id"])
    assert set(PUBLIC_KEYS) <= set(pay) and pay["rejected_sources"] == [] and pay["edited"] is False


def test_kept_on_any_member_covers_the_whole_promise(db) -> None:
    [pay] = _payments(db)
    sms, call = (next(s["id"] for s in pay["sources"] if s["evidence_id"] == ev) for ev in (2, 3))
    assert [r["id"] for r in _payments(db, which="overdue", now=AFTER_DUE)] == [pay["id"]]
    row = edit_promise(db, sms, {"status": "kept", "note": "已转账"})
    assert (row["id"], row["status"]) == (pay["id"], "kept")
    edit_promise(db, call, {"note": "电话里也确认了"})
    [row] = _payments(db, now=AFTER_DUE)
    assert (row["status"], row["overdue"], row["edited"]) == ("kept", False, True)
    assert [n["text"] for n in row["notes"]] == ["已转账", "电话里也确认了"]
    assert row["machine"]["status"] == "open"
    assert _payments(db, which="overdue", now=AFTER_DUE) == [] and _payments(db, which="open") == []
    assert get_promise(db, call)["id"] == get_promise(db, pay["id"])["id"] == pay["id"]


def test_the_latest_word_wins_whichever_member_it_was_given_through(db) -> None:
    [pay] = _payments(db)
    ids = [s["id"] for s in pay["sources"]]
    edit_promise(db, ids[0], {"status": "kept"})
    edit_promise(db, ids[-1], {"status": "broken"})
    assert _payments(db)[0]["status"] == "broken"


def test_rejecting_one_source_removes_only_it(db) -> None:
    [pay] = _payments(db)
    call = next(s["id"] for s in pay["sources"] if s["evidence_id"] == 3)
    row = reject_source(db, call, pay["id"])
    assert row["id"] == pay["id"] and row["status"] == "open" and row["rejected_sources"] == [call]
    assert [s["id"] for s in row["sources"]] == [s["id"] for s in pay["sources"] if s["id"] != call]
    [listed] = _payments(db)
    assert call not in {s["id"] for s in listed["sources"]} and len(listed["sources"]) == len(pay["sources"]) - 1
    assert list(db.query("SELECT promise_id, field, value FROM promise_edits")) == [
        {"promise_id": call, "field": "source", "value": "rejected"}]
    [entry] = [json.loads(r["details"]) for r in db.query("SELECT details FROM custody WHERE action = 'edit'")]
    assert (entry["promise_id"], entry["field"], entry["value"]) == (call, "source", "rejected")
    assert verify_chain(db) == []
    assert db["promises"].get(call)["status"] == "open"  # the machine's row is untouched


def test_rejecting_a_source_says_what_to_do_when_it_cannot(db) -> None:
    [pay] = _payments(db)
    other = add_evidence(db, "other.txt", [("2024-08-15T11:00:00+08:00", "me", "好的，我20号之前还三千")])
    [stray] = [r["id"] for r in db.query("SELECT id FROM promises WHERE evidence_id = ?", [other])]
    with pytest.raises(PromiseError, match=f"not a source of promise {pay['id']}"):
        reject_source(db, stray, pay["id"])
    with pytest.raises(PromiseError, match=f"only source .* `recorder promise {stray} --reject`"):
        reject_source(db, stray, stray)
    member = pay["sources"][-1]["id"]
    reject_source(db, member, pay["id"])
    with pytest.raises(PromiseError, match="already rejected"):
        reject_source(db, member, pay["id"])
    with pytest.raises(PromiseError, match="A source is rejected or accepted"):
        edit_promise(db, member, {"source": "maybe"})


def test_rejecting_the_source_that_names_the_promise_keeps_the_users_word(db) -> None:
    [pay] = _payments(db)
    edit_promise(db, pay["id"], {"status": "kept"})
    row = reject_source(db, pay["id"], pay["id"])
    assert row["id"] != pay["id"] and row["status"] == "kept" and row["rejected_sources"] == [pay["id"]]
    assert get_promise(db, pay["id"])["id"] == row["id"]  # the old id still finds the promise
    edit_promise(db, pay["id"], {"source": "accepted"})
    assert [(r["id"], r["status"]) for r in _payments(db)] == [(pay["id"], "kept")]


def test_a_later_file_joins_and_keeps_the_id_and_the_users_word(home) -> None:
    db = home.db()
    _chat(db)
    _sms(db)
    [pay] = _payments(db)
    edit_promise(db, pay["id"], {"status": "kept", "note": "已转账"})
    _call(db, recorded_at="2024-08-14T15:00:00+08:00")  # arrives last, was said first
    [row] = _payments(db)
    assert (row["id"], row["status"], [n["text"] for n in row["notes"]]) == (pay["id"], "kept", ["已转账"])
    assert len(row["sources"]) == len(pay["sources"]) + 1 and row["sources"][0]["evidence_id"] == 3


def test_the_same_commitment_thirty_days_apart_is_two_promises(home) -> None:
    db = home.db()
    _sms(db, "july.xml", at="2024-07-16T09:00:00+08:00", text="您需要在2024年8月20日前还款2000元")
    _chat(db)
    rows = _payments(db)
    assert len(rows) == 2 and {r["due"][:10] for r in rows} == {"2024-08-20"}
    assert [r["said_at"][:10] for r in rows] == ["2024-07-16", "2024-08-15"]


def test_restatements_a_week_apart_chain_into_one_promise(home) -> None:
    db = home.db()
    for day in ("2024-08-01", "2024-08-07", "2024-08-13"):  # 12 days end to end, 6 between each
        add_evidence(db, f"log-{day}.txt", [(f"{day}T10:00:00+08:00", "me", "我会在2024年8月20日前还款2000元")])
    [row] = _payments(db)
    assert len(row["sources"]) == 3


def test_different_amounts_and_cases_stay_apart(home) -> None:
    db = home.db()
    _chat(db)
    _call(db, text="好的，我20号之前还三千")
    _chat(db, "other-case.txt", case="借呗")
    assert sorted(r["amount"] for r in _payments(db, case="网商贷")) == [2000.0, 3000.0]
    assert len(_payments(db)) == 3 and len(_payments(db, case="借呗")) == 1


def test_the_ledger_does_not_depend_on_the_order_files_arrive(home, tmp_path) -> None:
    other = Home.locate(tmp_path / "other")
    other.init()
    adders = [_chat, _sms, _call]
    for add in adders:
        add(home.db())
    for add in reversed(adders):
        add(other.db())

    def shape(db):
        return [(r["party"], r["kind"], r["amount"], r["due"], r["status"],
                 [(s["text"], s["said_at"]) for s in r["sources"]]) for r in list_promises(db)]

    assert shape(home.db()) == shape(other.db())


def test_flags_of_every_member_are_listed_and_a_rejected_promise_shows_none(home) -> None:
    db = home.db()
    for day in ("01", "02"):
        add_evidence(db, f"log{day}.txt", [(f"2024-08-{day}T10:00:00+08:00", "them", "我们可以帮您减免违约金")])
    add_evidence(db, "sms.xml", [("2024-08-05T08:00:00+08:00", "them", "您的违约金为35元")], kind="sms_xml")
    [waiver] = [r for r in list_promises(db) if r["kind"] == "waiver"]
    assert len(waiver["sources"]) == 2 and len(waiver["flags"]) == 1
    assert contradictions(db)[0]["promise_id"] in {s["id"] for s in waiver["sources"]}
    edit_promise(db, waiver["id"], {"status": "rejected"})
    assert list_promises(db)[0]["flags"] == []


def test_followup_does_not_flag_a_promise_rejected_through_another_member(home) -> None:
    db = home.db()
    for day in ("01", "02"):
        add_evidence(db, f"log{day}.txt", [(f"2024-08-{day}T10:00:00+08:00", "them", "我们可以帮您减免违约金")])
    [waiver] = list_promises(db)
    edit_promise(db, waiver["id"], {"status": "rejected"})
    add_evidence(db, "sms.xml", [("2024-08-05T08:00:00+08:00", "them", "您的违约金为35元")], kind="sms_xml")
    assert contradictions(db) == []


@pytest.fixture
def run(home, db):
    def invoke(*args: str, ok: bool = True):
        result = CliRunner().invoke(cli, ["--home", str(home.root), *args])
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke


def test_cli_lists_sources_and_rejects_one(run) -> None:
    [pay] = [r for r in json.loads(run("promises", "--all", "--json").output) if r["kind"] == "payment"]
    assert len(pay["sources"]) >= 3 and pay["rejected_sources"] == []
    assert pay["sources"][1]["text"] in run("promises", "--all").output  # every source is shown
    last = pay["sources"][-1]["id"]
    row = json.loads(run("promise", str(pay["id"]), "--reject", "--source", str(last), "--json").output)
    assert row["id"] == pay["id"] and row["status"] == "open" and row["rejected_sources"] == [last]
    out = run("promise", str(pay["sources"][0]["id"]), "--kept").output
    assert "recorded for promise" in out
    assert json.loads(run("promises", "--all", "--json").output)[0]["status"] == "kept"


def test_cli_source_errors_say_what_to_do(run) -> None:
    [pay] = [r for r in json.loads(run("promises", "--all", "--json").output) if r["kind"] == "payment"]
    result = run("promise", str(pay["id"]), "--kept", "--source", "2", ok=False)
    assert result.exit_code == 2 and "--source 要和 --reject 一起用" in result.output
    result = run("promise", str(pay["id"]), "--reject", "--source", "999", ok=False)
    assert result.exit_code == 1 and "not a source of promise" in result.output
    result = run("promise", "999", "--reject", "--source", "1", ok=False)
    assert result.exit_code == 1 and "no promise 999" in result.output
    assert "rejected" in run("promise", str(pay["id"]), "--reject").output
    assert json.loads(run("promises", "--all", "--json").output)[0]["status"] == "rejected"
