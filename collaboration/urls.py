from django.urls import path

from collaboration.views import (
    batch_exports,
    catalogue,
    collaborations,
    downloads,
    followup,
    home,
    organisations,
    overview,
    parties,
    phases,
    principle_check,
    steps,
)
from collaboration.views.agreement import drafting as agreement_drafting
from collaboration.views.agreement import review as agreement_review

step_prefix = "samverkan/<uuid:code>/<slug:guide>/<slug:phase>/<slug:step>/"

urlpatterns = [
    path("", home.home, name="home"),
    path("samverkansformer/", catalogue.form_list, name="form_list"),
    path("samverkansformer/<slug:slug>/", catalogue.form_detail, name="form_detail"),
    path("samverkan/ny/", collaborations.collaboration_create, name="collaboration_create"),
    path("samverkan/<uuid:code>/", collaborations.collaboration_detail, name="collaboration_detail"),
    path("samverkan/<uuid:code>/valj-form/", collaborations.form_chooser, name="form_chooser"),
    # Before the process URLs: "parter/<uuid>/svar/" would otherwise read as guide/phase/step.
    path("samverkan/<uuid:code>/parter/bjud-in/", parties.party_invite, name="party_invite"),
    path(
        "samverkan/<uuid:code>/parter/<uuid:organisation>/inbjudan/",
        parties.party_invitation,
        name="party_invitation",
    ),
    path("samverkan/<uuid:code>/parter/<uuid:organisation>/lamna/", parties.party_leave, name="party_leave"),
    path("samverkan/<uuid:code>/andra/", collaborations.collaboration_edit, name="collaboration_edit"),
    path("samverkan/<uuid:code>/avsluta/", collaborations.collaboration_end, name="collaboration_end"),
    path("samverkan/<uuid:code>/arkivera/", collaborations.collaboration_archive, name="collaboration_archive"),
    path("samverkan/<uuid:code>/oppna-igen/", collaborations.collaboration_reopen, name="collaboration_reopen"),
    path("samverkan/<uuid:code>/handelser/", collaborations.activity_log, name="activity_log"),
    path("samverkan/<uuid:code>/stod/", followup.support_list, name="support_list"),
    path("samverkan/<uuid:code>/stod/<int:support>/andra/", followup.support_edit, name="support_edit"),
    path("samverkan/<uuid:code>/stod/<int:support>/ta-bort/", followup.support_delete, name="support_delete"),
    path("samverkan/<uuid:code>/ta-bort/", collaborations.collaboration_delete, name="collaboration_delete"),
    # Before the process URLs: "avsiktsforklaring/..." would otherwise read as guide/phase/step.
    path("samverkan/<uuid:code>/avsiktsforklaring/", agreement_drafting.agreement_detail, name="agreement_detail"),
    path("samverkan/<uuid:code>/avsiktsforklaring/skapa/", agreement_drafting.agreement_start, name="agreement_start"),
    path("samverkan/<uuid:code>/avsiktsforklaring/redigera/", agreement_drafting.agreement_edit, name="agreement_edit"),
    path("samverkan/<uuid:code>/avsiktsforklaring/skicka/", agreement_drafting.agreement_send, name="agreement_send"),
    path(
        "samverkan/<uuid:code>/avsiktsforklaring/ny-version/",
        agreement_drafting.agreement_revise,
        name="agreement_revise",
    ),
    path("samverkan/<uuid:code>/avsiktsforklaring/jamfor/", agreement_drafting.agreement_diff, name="agreement_diff"),
    path(
        "samverkan/<uuid:code>/avsiktsforklaring/hamta/<slug:section>/",
        agreement_drafting.agreement_pull,
        name="agreement_pull",
    ),
    path(
        "samverkan/<uuid:code>/avsiktsforklaring/parter/<uuid:organisation>/",
        agreement_drafting.agreement_party,
        name="agreement_party",
    ),
    path(
        "samverkan/<uuid:code>/avsiktsforklaring/parter/<uuid:organisation>/bjud-in-godkannare/",
        agreement_review.agreement_invite_approver,
        name="agreement_invite_approver",
    ),
    path(
        "samverkan/<uuid:code>/avsiktsforklaring/version/<int:number>/",
        agreement_review.agreement_version,
        name="agreement_version",
    ),
    path(
        "samverkan/<uuid:code>/avsiktsforklaring/version/<int:number>/registrera-godkannande/<uuid:organisation>/",
        agreement_review.agreement_register_approval,
        name="agreement_register_approval",
    ),
    # The dot keeps the PDFs apart from the process URLs (a slug has none).
    path(
        "samverkan/<uuid:code>/avsiktsforklaring/utkast.pdf",
        downloads.agreement_draft_download,
        name="agreement_draft_pdf",
    ),
    path(
        "samverkan/<uuid:code>/avsiktsforklaring/version/<int:number>/avsiktsforklaring.pdf",
        downloads.agreement_version_download,
        name="agreement_version_pdf",
    ),
    path(
        "samverkan/<uuid:code>/avsiktsforklaring/version/<int:number>/arkivexemplar.pdf",
        downloads.agreement_archive_download,
        name="agreement_archive_pdf",
    ),
    path(
        "samverkan/<uuid:code>/avsiktsforklaring/version/<int:number>/godkann/",
        agreement_review.agreement_approve,
        name="agreement_approve",
    ),
    path(
        "samverkan/<uuid:code>/avsiktsforklaring/version/<int:number>/begar-andringar/",
        agreement_review.agreement_request_changes,
        name="agreement_request_changes",
    ),
    path(
        "samverkan/<uuid:code>/avsiktsforklaring/version/<int:number>/kommentera/",
        agreement_review.agreement_comment,
        name="agreement_comment",
    ),
    path(
        "samverkan/<uuid:code>/avsiktsforklaring/version/<int:number>/kommentarer/<uuid:comment>/losa/",
        agreement_review.agreement_comment_resolve,
        name="agreement_comment_resolve",
    ),
    # Before the process URLs: "principer/" would otherwise read as a guide.
    path("samverkan/<uuid:code>/principer/", principle_check.principle_check, name="principle_check"),
    path("samverkan/<uuid:code>/principer/bedom/", principle_check.principle_rate, name="principle_rate"),
    path("samverkan/<uuid:code>/<slug:guide>/", steps.task_list_view, name="task_list"),
    path("samverkan/<uuid:code>/<slug:guide>/granska/", steps.guide_review, name="guide_review"),
    # The dot keeps these apart from the phase and step URLs (a slug has none).
    path("samverkan/<uuid:code>/<slug:guide>/checklista.pdf", downloads.checklist_download, name="checklist_pdf"),
    path(
        "samverkan/<uuid:code>/<slug:guide>/tom-checklista.pdf",
        downloads.checklist_download,
        {"blank": True},
        name="checklist_blank_pdf",
    ),
    path("samverkan/<uuid:code>/<slug:guide>/<slug:phase>/granska/", phases.phase_review, name="phase_review"),
    # Before the step URL, which would read "jamfor" and "dela" as a step's slug.
    path("samverkan/<uuid:code>/<slug:guide>/<slug:phase>/jamfor/", phases.phase_compare, name="phase_compare"),
    path("samverkan/<uuid:code>/<slug:guide>/<slug:phase>/dela/", phases.phase_share, name="phase_share"),
    path(step_prefix, steps.step, name="step"),
    path(step_prefix + "ansvar/", steps.step_assign, name="step_assign"),
    path(step_prefix + "historik/", steps.step_history, name="step_history"),
    path(step_prefix + "historik/<slug:question>/<int:number>/", steps.revision_detail, name="revision_detail"),
    path("organisationer/", organisations.organisation_list, name="organisation_list"),
    path("organisationer/ny/", organisations.organisation_create, name="organisation_create"),
    path("organisationer/<uuid:code>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisationer/<uuid:code>/andra/", organisations.organisation_edit, name="organisation_edit"),
    path("organisationer/<uuid:code>/oversikt/", overview.overview, name="overview"),
    path("organisationer/<uuid:code>/oversikt/statistik/", overview.overview_statistics, name="overview_statistics"),
    path("organisationer/<uuid:code>/oversikt/kartlaggning/", overview.overview_mapping, name="overview_mapping"),
    path("organisationer/<uuid:code>/oversikt/export/", overview.overview_export, name="overview_export"),
    path("organisationer/<uuid:code>/begar/", organisations.organisation_claim, name="organisation_claim"),
    path("organisationer/<uuid:code>/bjud-in/", organisations.invitation_create, name="invitation_create"),
    path(
        "organisationer/<uuid:code>/inbjudningar/<int:invitation_id>/aterkalla/",
        organisations.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "organisationer/<uuid:code>/medlemmar/<uuid:membership_code>/",
        organisations.membership_edit,
        name="membership_edit",
    ),
    path(
        "organisationer/<uuid:code>/avsiktsforklaringar/",
        batch_exports.agreement_export_create,
        name="agreement_export_create",
    ),
    path(
        "organisationer/<uuid:code>/avsiktsforklaringar/export/<uuid:export>/",
        batch_exports.agreement_export_detail,
        name="agreement_export_detail",
    ),
    path(
        "organisationer/<uuid:code>/avsiktsforklaringar/export/<uuid:export>/avsiktsforklaringar.zip",
        batch_exports.agreement_export_download,
        name="agreement_export_download",
    ),
    path("inbjudan/<str:token>/", organisations.invitation_accept, name="invitation_accept"),
]
