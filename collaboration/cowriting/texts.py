"""The stored half of the save contract: abstract models for a text that several people write together.

A concrete shared text (a step's answer, an agreement's section, and any text two people will write
next) subclasses `SharedText` and `TextRevision`, names the foreign key that says which box it is
(`SLOT`) and its history's foreign key (`TEXT_FIELD`), and saves through `SharedText.save_edits`, which
applies the rule of `contract.decide` to every box in a fixed number of queries.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .contract import UNKNOWN_BASE, Base, Edit, FieldResult, Outcome, decide, text_digest

if TYPE_CHECKING:
    from portal.models import User

# Saves by the same person within this window are folded into one history entry,
# so that autosave while typing does not bury the history under keystrokes.
REVISION_WINDOW = timedelta(minutes=10)


class SharedText(models.Model):
    """A text box that several people write together, versioned, with a history (`TextRevision`)."""

    # The foreign key that says which box this is within its scope (a question, a section).
    SLOT: ClassVar[str]

    text = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_by_organisation = models.ForeignKey(
        "collaboration.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def base(self) -> Base:
        return Base(self.version, text_digest(self.text))

    @classmethod
    def revision_model(cls) -> type[TextRevision]:
        raise NotImplementedError

    @classmethod
    def save_edits(
        cls,
        *,
        scope: dict[str, Any],
        create: dict[str, Any],
        edits: list[Edit],
        writer: str,
        user: User,
        organisation: Any,  # the writer's acting organisation (collaboration.Organisation or None)
    ) -> dict[int, FieldResult]:
        """Save what one editing page posted: the one save contract for text written together.

        `scope` filters the boxes this page writes (a collaboration's joint answers, one
        agreement's sections); `create` are the values of a box written for the first time.
        Each box either saves, or is left alone, or reports a conflict; a colleague's
        newer text is never overwritten without the writer having seen it. `writer`
        identifies the loaded editing page (one token per page, not per person), so a
        page's own earlier save never conflicts with it, while the same person's
        other tab or device does. Runs a fixed number of queries, however many boxes
        changed. See `decide` for the rule per box. Results are keyed by the slot's pk.
        """
        revisions = cls.revision_model()
        fk = revisions.TEXT_FIELD
        results: dict[int, FieldResult] = {}
        # No savepoint of its own inside the caller's transaction: a failure rolls back the whole save.
        with transaction.atomic(savepoint=False):
            slot_ids = [edit.slot.pk for edit in edits]
            stored = cls._lock(scope, slot_ids)
            missing = [e for e in edits if e.slot.pk not in stored and e.text]
            if missing:
                cls.objects.bulk_create(  # type: ignore[attr-defined]
                    [cls(**create, **{cls.SLOT: e.slot}, version=0) for e in missing], ignore_conflicts=True
                )
                stored = cls._lock(scope, slot_ids)
            # Only when a box changed on an older base is it worth asking who wrote since.
            older = {
                stored[e.slot.pk].pk: e.base.version
                for e in edits
                if e.slot.pk in stored
                and e.base is not None
                and e.base.version < stored[e.slot.pk].version
                and e.text != stored[e.slot.pk].text
            }
            own_since_base: set[int] = set()
            if older:
                writers: dict[int, set[str]] = {}
                for text_id, version, rev_writer in revisions.objects.filter(  # type: ignore[attr-defined]
                    **{f"{fk}_id__in": older, "version__gt": min(older.values())}
                ).values_list(f"{fk}_id", "version", "writer"):
                    if version > older[text_id]:
                        writers.setdefault(text_id, set()).add(rev_writer)
                own_since_base = {pk for pk, found in writers.items() if found == {writer}}
            now = timezone.now()
            to_save: list[SharedText] = []
            based_on: dict[int, int] = {}
            for edit in edits:
                box = stored.get(edit.slot.pk)
                outcome = decide(
                    stored_text=box.text if box else "",
                    stored_version=box.version if box else 0,
                    text=edit.text,
                    base=edit.base,
                    seen=edit.seen,
                    own_since_base=box is not None and box.pk in own_since_base,
                )
                if outcome is Outcome.SAVED and box is not None:
                    box.text = edit.text
                    box.version += 1
                    box.updated_by = user
                    box.updated_by_organisation = organisation
                    box.updated_at = now
                    to_save.append(box)
                    if edit.base is not None:
                        based_on[box.pk] = edit.base.version
                moved = outcome in (Outcome.SAVED, Outcome.UNCHANGED)
                results[edit.slot.pk] = FieldResult(
                    outcome=outcome,
                    answer=box if box is not None and (box.version or box.text) else None,
                    base=box.base if moved and box is not None else (edit.base or UNKNOWN_BASE),
                )
            if to_save:
                cls.objects.bulk_update(  # type: ignore[attr-defined]
                    to_save, ["text", "version", "updated_by", "updated_by_organisation", "updated_at"]
                )
                revisions.record(
                    texts=to_save, writer=writer, user=user, organisation=organisation, now=now, based_on=based_on
                )
        return results

    @classmethod
    def _lock(cls, scope: dict[str, Any], slot_ids: list[int]) -> dict[int, Any]:
        slot_id = f"{cls.SLOT}_id"
        return {
            getattr(box, slot_id): box
            for box in cls.objects.select_for_update()  # type: ignore[attr-defined]
            .filter(**scope, **{f"{slot_id}__in": slot_ids})
            .order_by("pk")
        }


class TextRevision(models.Model):
    """One entry in a shared text's history. Concrete models add the foreign key named `TEXT_FIELD`."""

    TEXT_FIELD: ClassVar[str]

    number = models.PositiveIntegerField()
    version = models.PositiveIntegerField()
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(
        "collaboration.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The editing page that wrote this text (see SharedText.save_edits); empty for texts from before.
    writer = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @classmethod
    def record(
        cls,
        *,
        texts: list[Any],
        writer: str,
        user: User,
        organisation: Any,  # the writer's acting organisation (collaboration.Organisation or None)
        now: datetime,
        based_on: dict[int, int],
    ) -> None:
        """Write the history entries for texts just saved, in a fixed number of queries.

        A person's saves within REVISION_WINDOW fold into their latest entry, so that
        autosave does not bury the history under keystrokes, but only a text the writer
        had in front of them is ever folded away: the entry must be this person's, and
        either written from this same editing page or the version this save was based
        on (`based_on`: text pk → base version). A text from another tab or device
        that the writer never saw, or from another person, always keeps its own entry.
        """
        fk_id = f"{cls.TEXT_FIELD}_id"
        previous = {text.pk: text.version - 1 for text in texts}
        # The entry that holds each text as it was before this save, if it is the latest.
        latest_filter = models.Q(pk__in=[])
        for text_id, version in previous.items():
            latest_filter |= models.Q(**{fk_id: text_id, "version": version})
        latest = {getattr(r, fk_id): r for r in cls.objects.filter(latest_filter)}  # type: ignore[attr-defined]
        folded: list[TextRevision] = []
        created: list[TextRevision] = []
        for text in texts:
            entry = latest.get(text.pk)
            if (
                entry is not None
                and entry.author_id == user.pk
                and ((writer and entry.writer == writer) or based_on.get(text.pk) == entry.version)
                and entry.updated_at > now - REVISION_WINDOW
            ):
                entry.text = text.text
                entry.version = text.version
                entry.updated_at = now
                # The entry now ends with this page's text: a page that did not write it must
                # see a colleague's save here, never its own (see SharedText.save_edits).
                entry.writer = writer
                folded.append(entry)
            else:
                created.append(
                    cls(
                        **{cls.TEXT_FIELD: text},
                        number=0,  # set below
                        version=text.version,
                        text=text.text,
                        author=user,
                        organisation=organisation,
                        writer=writer,
                    )
                )
        if folded:
            cls.objects.bulk_update(folded, ["text", "version", "updated_at", "writer"])  # type: ignore[attr-defined]
        if created:
            numbers = dict(
                cls.objects.filter(**{f"{fk_id}__in": [getattr(r, fk_id) for r in created]})  # type: ignore[attr-defined]
                .values_list(fk_id)
                .annotate(top=models.Max("number"))
                .values_list(fk_id, "top")
            )
            for new in created:
                new.number = numbers.get(getattr(new, fk_id), 0) + 1
            cls.objects.bulk_create(created)  # type: ignore[attr-defined]
