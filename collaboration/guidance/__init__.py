"""Guidance: what the portal tells the parties, shipped as data and editable in the admin.

Guidance is the content the process pages are made of: the guides with their phases, steps,
question groups and questions, the tips and methods of each step, the principles each phase
leans on, the descriptions of the collaboration forms the chooser points at, and the sections
of the agreement (with which answers fill each draft section). It is data, not code:

- the shipped content is the JSON files here (`forms_v1.json`, `guidance_v1.json`,
  `answer_modes_v2.json`, `agreement_v1.json`); a file, once shipped, is frozen, and newer
  content comes as a new file and a new migration;
- `loader`: loads those files into the content models (`collaboration.models.guidance`,
  `AgreementSection`), called by migrations with historical models. It leaves an admin's edits
  and additions alone (`portal.shipped`), so the content stays editable in the admin
  (`collaboration.admin`). `ensure_loaded` puts it back after a test flushed the tables;
- `cache`: a guide's content as the process pages read it, read once and kept in the process
  for a minute, forgotten at once when content is saved in this process;
- `chooser`: the guided chooser of collaboration form, whose rules are code and whose forms
  are the shipped catalogue above.

The principles themselves are the `principles` app's content (`principles/content/`).
"""
