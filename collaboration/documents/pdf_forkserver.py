"""Imported once by the PDF forkserver (see `pdf_layout`): loads WeasyPrint and lays out one line.

Every layout child is forked from that process, so fontconfig, Pango and the modules are ready in
each of them. Nothing else imports this module.
"""

import weasyprint

import collaboration.documents.pdf_layout  # noqa: F401 - loaded here so that no child has to import it

weasyprint.HTML(string="<p lang='sv'>Samverkan</p>").write_pdf()
