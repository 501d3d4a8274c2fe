"""Writing together: the one way the portal saves text that several people edit at the same time.

- `contract`: the rule (`decide`), what a page posts (`Edit`, `Base`) and what a save did (`SaveReport`);
  `save_fields` applies the same rule to plain model fields (a collaboration's title, an organisation's facts).
- `texts`: the abstract models `SharedText` and `TextRevision` (versions, history, `save_edits`).
- `forms`: `SharedTextForm` (one box per question or section) and `LoadedFieldsMixin` for plain fields.
- `page`: `edit_page`, the editing page's whole request cycle (draft restore, autosave, conflict view).

A new text that two people write (a follow-up record, a meeting's minutes) subclasses the two models,
builds a page object (`questions`, `answers`, `groups`) and calls `edit_page` with its own save.
"""
