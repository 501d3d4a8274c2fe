"""Documents: the files the portal hands out, PDFs and spreadsheets, and how they are made.

- `contents`: what each PDF holds (the checklist, an agreement version or draft), built from the same
  reads as the portal's own pages; it makes an adopted agreement's PDFs ahead of time, in a task
  (`render_adopted_agreement`, on the `agreement_adopted` signal);
- `pdf`: turns a template under templates/pdf/ into bytes, tagged PDF/UA-1 for download or
  PDF/A-3a for the archive, fetching nothing but the portal's own static files, and keeps
  documents that never change in storage;
- `pdf_layout`: lays a document out in a child process with hard time and memory limits;
  `pdf_forkserver` is what the forkserver those children come from loads first;
- `spreadsheets`: tables as CSV and XLSX, with nothing a person typed able to run as a formula;
- `batch_export`: a coordinator's zip of the archive copies of adopted agreements, built in a
  task (`build_agreement_export`); its record is `collaboration.models.AgreementExport`.

The views that send them are `collaboration.views.downloads`, `views.batch_exports` and
`views.overview`. This file holds no code: the forkserver imports the package without Django.
"""
