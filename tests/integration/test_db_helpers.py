"""chalicelib.db: the one way to read a missing item, to tell a failed
condition from a real error, and to retry a read-modify-write (moto over HTTP)."""
import pytest
from pynamodb.exceptions import PutError

from chalicelib import clock, db, models
from chalicelib.errors import Conflict


class Note(models.Item, discriminator="test-note"):
    text = models.UnicodeAttribute(null=True)
    version = models.VersionAttribute()


def fresh_note(text="a") -> Note:
    note = Note(f"TEST#{clock.new_id()}", "NOTE", text=text)
    note.save()
    return note


def test_get_or_none(stack):
    note = fresh_note()
    assert db.get_or_none(Note, note.pk, note.sk).text == "a"
    assert db.get_or_none(Note, note.pk, "MISSING") is None
    assert db.get_or_none(Note, note.pk, note.sk, consistent_read=False).text == "a"


def test_conditional_reports_a_failed_condition_and_lets_writes_through(stack):
    note = fresh_note()
    with db.conditional() as write:
        Note(note.pk, note.sk, text="b").save(condition=models.Item.pk.does_not_exist())
    assert write.held is False
    with db.conditional() as write:
        note.update(actions=[Note.text.set("c")])
    assert write.held is True
    assert db.get_or_none(Note, note.pk, note.sk).text == "c"


def test_conditional_covers_transactions(stack):
    note = fresh_note()
    with db.conditional() as write, db.transaction() as tx:
        tx.save(Note(note.pk, note.sk, text="x"), condition=models.Item.pk.does_not_exist())
    assert write.held is False


def test_conditional_does_not_swallow_other_errors(stack, monkeypatch):
    monkeypatch.setenv("TABLE_NAME", "no-such-table")
    with pytest.raises(PutError):
        with db.conditional():
            Note("TEST#x", "NOTE").save()
    with pytest.raises(ValueError):
        with db.conditional():
            raise ValueError("not a write error")


def test_or_conflict_is_a_409_naming_what_changed(stack):
    note = fresh_note()
    stale = db.get_or_none(Note, note.pk, note.sk)
    note.text = "first"
    note.save()
    stale.text = "second"
    with pytest.raises(Conflict) as caught:
        with db.or_conflict("The note"):
            stale.save()
    assert caught.value.code == "concurrent_modification"
    assert "The note was changed by another request" in caught.value.message
    assert caught.value.__suppress_context__  # no PynamoDB trace behind the 409


def test_retry_runs_again_until_the_condition_holds(stack):
    note = fresh_note("0")
    seen = []

    def attempt():
        current = db.get_or_none(Note, note.pk, note.sk)
        if not seen:  # another request changes it between our read and our write
            racer = db.get_or_none(Note, note.pk, note.sk)
            racer.text = "racer"
            racer.save()
        seen.append(current.text)
        current.text = current.text + "+1"
        current.save()
        return current.text

    assert db.retry(attempt, "The note") == "racer+1"
    assert seen == ["0", "racer"]


def test_retry_gives_up_with_a_409_and_reports_each_failure(stack):
    note = fresh_note()
    failures = []

    def attempt():
        Note(note.pk, note.sk).save(condition=models.Item.pk.does_not_exist())

    with pytest.raises(Conflict) as caught:
        db.retry(attempt, "The note", tries=3, on_condition_failed=lambda: failures.append(1))
    assert len(failures) == 3 and "The note was changed" in caught.value.message


def test_retry_lets_the_failure_handler_raise_the_precise_error(stack):
    note = fresh_note()

    def attempt():
        Note(note.pk, note.sk).save(condition=models.Item.pk.does_not_exist())

    def obstacle():
        raise Conflict("The note exists already.", code="note_exists")

    with pytest.raises(Conflict) as caught:
        db.retry(attempt, "The note", on_condition_failed=obstacle)
    assert caught.value.code == "note_exists"


def test_update_fields_and_delete_if_answer_false_when_the_condition_fails(stack):
    note = fresh_note("a")
    assert db.update_fields(Note, note.pk, note.sk, [Note.text.set("b")],
                            condition=Note.text == "zzz") is False
    assert db.update_fields(Note, note.pk, note.sk, [Note.text.set("b")],
                            condition=Note.text == "a") is True
    assert db.delete_if(Note(note.pk, note.sk), Note.text == "a") is False
    assert db.delete_if(Note(note.pk, note.sk), Note.text == "b") is True
    assert db.get_or_none(Note, note.pk, note.sk) is None
