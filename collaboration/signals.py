"""How a lower workflow tells a higher one that something happened, without importing it.

Imports point one way: the collaborations and their parties (`collaborations.py`, `parties.py`) are below
the agreement's workflows (the `agreement` package), which are below `documents` (PDFs). When a party joins
or leaves, the agreement must react; when a version is adopted,
its PDFs are made ahead. The lower module sends one of these signals, inside its transaction, and the
higher module's receiver runs then and there (synchronously). The receivers are connected when their
modules are imported, which `CollaborationConfig.ready` does in every process.

* `parties_changed(collaboration, user)`: a party was accepted into, or left, `collaboration`.
  Receiver: `agreement.approval.after_parties_changed` (a version under review that names other parties is
  outdated).
* `agreement_adopted(version)`: every party `version` names has approved it; it is adopted.
  Receiver: `documents.contents` (the task worker makes its PDF and archive copy once this commits).
"""

from django.dispatch import Signal

parties_changed = Signal()
agreement_adopted = Signal()
