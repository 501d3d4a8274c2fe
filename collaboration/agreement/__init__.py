"""The shared agreement (avsiktsförklaring): its workflows, one module per question.

Where is it decided...

* `drafting`: how the agreement is started (empty or drafted from the process answers), what a section
  draws on, saving the text together, that an adopted agreement is locked until a new version is started,
  that a change to a text under review makes it a draft again (its approvals lapse), a party's contact
  person and diarienummer, and what every agreement page says about the text's state.
* `versions`: what a numbered version freezes (its snapshot and SHA-256), sending the draft for review,
  and that a stored version still matches its hash.
* `approval`: a party's approval of a version, adoption when every named party has approved, approvals
  given outside the portal, inviting a party's first approver, and what happens to a version under review
  when the parties change (the receiver of `collaboration.signals.parties_changed`).
* `review`: a party's request for changes, and the comment threads on a version's sections.
* `party_changes`: how the parties changed since a version was sent, in names and in words.

Who may approve, register an approval, comment or ask for changes for which party is decided in
`collaboration.access`.

Every workflow is keyword-only, runs in one transaction, writes the activity log and queues the e-mail to
the parties' people (portal.notifications). Rules about one object live on the models
(collaboration/models/agreements.py); these are the workflows that span several. Its forms are in
`collaboration/forms/agreement.py`, its pages in `collaboration/views/agreement/`. Imports point one way:
party_changes ← drafting ← versions ← approval (which also uses drafting and party_changes), and
versions ← review.
"""
