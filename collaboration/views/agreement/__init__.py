"""The shared agreement's pages (avsiktsförklaring), by what the reader is doing.

* `drafting`: the overview, starting the agreement, writing together, a party's details, sending a
  version for review, starting a new version of an adopted one, comparing versions.
* `review`: a version's page, with its comments, change requests and approvals; approving it, and for a
  party nobody in the portal may approve for, inviting its first approver or registering its decision.
* `common`: what both read, the agreement and version of a URL and the table of parties.

They call the workflows of `collaboration.agreement` by module (`approval.agreement_approve`); the drafting
pages call their own, `collaboration.agreement.drafting`, `service`.
"""
