"""The one save contract for text written together (`decide` and `Answer.save_texts`), tested directly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from collaboration.cowriting.contract import Base, Edit, Outcome, decide, text_digest
from collaboration.models import Answer, AnswerRevision
from tests.collaboration.helpers import questions

pytestmark = pytest.mark.django_db

EMPTY = Base(0, text_digest(""))


def base_of(text: str, version: int) -> Base:
    return Base(version, text_digest(text))


@pytest.mark.parametrize(
    ("stored", "version", "text", "base", "seen", "own", "expected"),
    [
        # the same text as stored: nothing to do
        ("A", 3, "A", base_of("X", 1), None, False, Outcome.UNCHANGED),
        # the box still holds what it was loaded with
        ("A", 3, "A0", base_of("A0", 3), None, False, Outcome.UNTOUCHED),
        ("B", 4, "A", base_of("A", 3), None, False, Outcome.STALE),
        # changed on the stored version: saves
        ("A", 3, "A+", base_of("A", 3), None, False, Outcome.SAVED),
        # ... unless the stored text is not the text of that version (changed without a new version)
        ("A (rättad)", 3, "A+", base_of("A", 3), None, False, Outcome.CONFLICT),
        # changed on an older version someone else wrote since: conflict
        ("B", 4, "A+", base_of("A", 3), None, False, Outcome.CONFLICT),
        # ... unless everything since came from this same page
        ("B", 4, "A+", base_of("A", 3), None, True, Outcome.SAVED),
        # ... or the writer was shown exactly the stored version and chose to write over it
        ("B", 4, "mine", base_of("A", 3), base_of("B", 4), False, Outcome.SAVED),
        # a shown version that is no longer the stored one is no permission
        ("C", 5, "mine", base_of("A", 3), base_of("B", 4), False, Outcome.CONFLICT),
        # an unreadable base never overwrites
        ("A", 3, "new", None, None, False, Outcome.CONFLICT),
        ("", 0, "new", None, None, False, Outcome.CONFLICT),
        ("", 0, "new", EMPTY, None, False, Outcome.SAVED),
    ],
)
def test_decide(stored, version, text, base, seen, own, expected):
    assert (
        decide(stored_text=stored, stored_version=version, text=text, base=base, seen=seen, own_since_base=own)
        is expected
    )


def save(cast, question, text, base, writer, user=None, seen=None):
    user = user or cast.officer
    return Answer.save_texts(
        collaboration=cast.collaboration,
        edits=[Edit(slot=question, text=text, base=base, seen=seen)],
        writer=writer,
        user=user,
        organisation=cast.kommun if user == cast.officer else cast.forening,
    )[question.pk]


def test_two_writers_on_the_same_base_the_second_conflicts_and_nothing_is_overwritten(cast):
    question = questions()[0]
    first = save(cast, question, "Tjänstepersonens text", EMPTY, "page-officer-1", cast.officer)
    second = save(cast, question, "Styrelsens text", EMPTY, "page-board-1", cast.board_member)
    assert first.outcome is Outcome.SAVED
    assert second.outcome is Outcome.CONFLICT
    assert second.answer.text == "Tjänstepersonens text"
    assert second.base == EMPTY  # the base stays where the writer's box stands
    assert Answer.objects.get(question=question).text == "Tjänstepersonens text"


def test_one_person_in_two_tabs_is_two_writers(cast):
    question = questions()[0]
    save(cast, question, "Från flik ett", EMPTY, "page-tab-1")
    other_tab = save(cast, question, "Från flik två", EMPTY, "page-tab-2")
    assert other_tab.outcome is Outcome.CONFLICT
    assert Answer.objects.get(question=question).text == "Från flik ett"


def test_a_pages_own_save_that_overtook_the_next_is_no_conflict(cast):
    question = questions()[0]
    save(cast, question, "Första", EMPTY, "page-1")
    # The next save of the same page still carries the old base (the answer had not arrived).
    again = save(cast, question, "Första och andra", EMPTY, "page-1")
    assert again.outcome is Outcome.SAVED
    assert again.base == base_of("Första och andra", 2)


def test_an_overtaking_save_conflicts_when_a_colleague_saved_in_between(cast):
    question = questions()[0]
    save(cast, question, "Första", EMPTY, "page-1")
    save(cast, question, "Kollegans", base_of("Första", 1), "page-board", cast.board_member)
    late = save(cast, question, "Första och andra", EMPTY, "page-1")
    assert late.outcome is Outcome.CONFLICT
    assert Answer.objects.get(question=question).text == "Kollegans"


def test_an_untouched_box_is_never_written_and_its_base_does_not_move(cast):
    first, second = questions()[:2]
    save(cast, first, "Kollegans svar", EMPTY, "page-officer")
    results = Answer.save_texts(
        collaboration=cast.collaboration,
        edits=[Edit(slot=first, text="", base=EMPTY), Edit(slot=second, text="Mitt svar", base=EMPTY)],
        writer="page-board",
        user=cast.board_member,
        organisation=cast.forening,
    )
    assert results[first.pk].outcome is Outcome.STALE
    assert results[first.pk].base == EMPTY
    assert results[first.pk].answer.text == "Kollegans svar"
    assert results[second.pk].outcome is Outcome.SAVED
    assert Answer.objects.get(question=first).text == "Kollegans svar"


def test_history_folds_only_a_pages_own_keystrokes(cast):
    question = questions()[0]
    save(cast, question, "Läx", EMPTY, "page-1")
    save(cast, question, "Läxhjälp", base_of("Läx", 1), "page-1")
    assert list(AnswerRevision.objects.values_list("text", flat=True)) == ["Läxhjälp"]


def test_history_keeps_a_text_the_other_tab_never_saw(cast):
    question = questions()[0]
    save(cast, question, "Från flik ett", EMPTY, "page-tab-1")
    # The second tab was shown the first tab's text in the conflict view and chose its own.
    chosen = save(cast, question, "Från flik två", EMPTY, "page-tab-2", seen=base_of("Från flik ett", 1))
    assert chosen.outcome is Outcome.SAVED
    assert list(AnswerRevision.objects.order_by("number").values_list("text", flat=True)) == [
        "Från flik ett",
        "Från flik två",
    ]


def test_history_folds_a_persons_saves_on_the_text_they_had_in_front_of_them(cast):
    question = questions()[0]
    save(cast, question, "Före", EMPTY, "page-1")
    # A new page load of the same person, on the stored text, within the window.
    save(cast, question, "Före och efter", base_of("Före", 1), "page-2")
    assert list(AnswerRevision.objects.values_list("text", "version")) == [("Före och efter", 2)]


def test_history_does_not_fold_after_the_window(cast):
    question = questions()[0]
    save(cast, question, "Före lunch", EMPTY, "page-1")
    AnswerRevision.objects.update(updated_at=timezone.now() - timedelta(minutes=11))
    save(cast, question, "Efter lunch", base_of("Före lunch", 1), "page-1")
    assert AnswerRevision.objects.count() == 2


def test_an_empty_box_for_a_question_never_answered_stores_nothing(cast):
    question = questions()[0]
    result = save(cast, question, "", EMPTY, "page-1")
    assert result.outcome is Outcome.UNCHANGED
    assert result.answer is None
    assert not Answer.objects.filter(question=question).exists()


# Per-party answers: the same contract, once per party.


def save_for(cast, party, question, text, base, writer, user):
    return Answer.save_texts(
        collaboration=cast.collaboration,
        edits=[Edit(slot=question, text=text, base=base)],
        writer=writer,
        user=user,
        organisation=party,
        party=party,
    )[question.pk]


def test_each_party_has_its_own_answer_and_conflicts_only_within_itself(cast):
    question = questions()[0]
    kommun = save_for(cast, cast.kommun, question, "Kommunens", EMPTY, "page-officer", cast.officer)
    forening = save_for(cast, cast.forening, question, "Föreningens", EMPTY, "page-board", cast.board_member)
    colleague = save_for(cast, cast.kommun, question, "Samordnarens", EMPTY, "page-coordinator", cast.coordinator)
    assert (kommun.outcome, forening.outcome, colleague.outcome) == (Outcome.SAVED, Outcome.SAVED, Outcome.CONFLICT)
    assert colleague.answer.text == "Kommunens"
    assert dict(Answer.objects.values_list("party_organisation", "text")) == {
        cast.kommun.pk: "Kommunens",
        cast.forening.pk: "Föreningens",
    }
    assert AnswerRevision.objects.filter(answer__party_organisation=cast.forening).count() == 1


def test_the_database_holds_one_joint_answer_and_one_per_party_per_question(cast):
    from django.db import IntegrityError, transaction

    question = questions()[0]
    Answer.objects.create(collaboration=cast.collaboration, question=question, text="Gemensamt")
    Answer.objects.create(collaboration=cast.collaboration, question=question, party_organisation=cast.kommun)
    for party in (None, cast.kommun):
        with pytest.raises(IntegrityError), transaction.atomic():
            Answer.objects.create(collaboration=cast.collaboration, question=question, party_organisation=party)
