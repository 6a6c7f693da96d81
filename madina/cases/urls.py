"""Pages of cases and referrals. Case codes are pseudonymous; no URL carries personal data."""

from django.urls import path, register_converter

from madina.cases.views import cases, referrals, stats


class CaseCodeConverter:
    regex = "C-[2-9A-Z]{4}-[2-9A-Z]{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CaseCodeConverter, "case")

app_name = "cases"
urlpatterns = [
    path("", cases.inbox, name="inbox"),
    path("list/", cases.case_list, name="list"),
    path("new/", cases.case_new, name="new"),
    path("<case:code>/", cases.case_detail, name="detail"),
    path("<case:code>/identity/", cases.identity_reveal, name="identity"),
    path("<case:code>/identity/edit/", cases.identity_edit, name="identity_edit"),
    path("<case:code>/assessment/", cases.assessment, name="assessment"),
    path("<case:code>/consents/new/", cases.consent_new, name="consent_new"),
    path(
        "<case:code>/consents/<int:pk>/withdraw/",
        cases.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<case:code>/incidents/new/", cases.incident_new, name="incident_new"),
    path("<case:code>/plan/new/", cases.plan_item_new, name="plan_new"),
    path("<case:code>/plan/<int:pk>/", cases.plan_item_edit, name="plan_edit"),
    path("<case:code>/follow-ups/new/", cases.follow_up_new, name="follow_up_new"),
    path(
        "<case:code>/approvals/request/<str:kind>/",
        cases.approval_request,
        name="approval_request",
    ),
    path("<case:code>/approvals/<int:pk>/", cases.approval_decide, name="approval"),
    path("<case:code>/reopen/", cases.case_reopen, name="reopen"),
    path("<case:code>/workers/", cases.case_workers, name="workers"),
    path("<case:code>/transfer/", cases.transfer_new, name="transfer_new"),
    path("<case:code>/transfers/<int:pk>/cancel/", cases.transfer_cancel, name="transfer_cancel"),
    path("transfers/<int:pk>/", cases.transfer_answer, name="transfer"),
    path("<case:code>/attachments/new/", cases.attachment_new, name="attachment_new"),
    path("<case:code>/attachments/<int:pk>/", cases.attachment_download, name="attachment"),
    path(
        "<case:code>/attachments/<int:pk>/delete/",
        cases.attachment_delete,
        name="attachment_delete",
    ),
    path("<case:code>/access-log/", cases.access_log, name="access_log"),
    path("<case:code>/export/", cases.person_export, name="export"),
    path("<case:code>/delete/", cases.case_delete, name="delete"),
    path("<case:code>/referrals/new/", referrals.referral_new, name="referral_new"),
    path("referrals/", referrals.referral_list, name="referrals"),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral"),
    path("referrals/<int:pk>/send/", referrals.referral_send, name="referral_send"),
    path("referrals/<int:pk>/respond/", referrals.referral_respond, name="referral_respond"),
    path("referrals/<int:pk>/start/", referrals.referral_start, name="referral_start"),
    path("referrals/<int:pk>/complete/", referrals.referral_complete, name="referral_complete"),
    path("referrals/<int:pk>/revoke/", referrals.referral_revoke, name="referral_revoke"),
    path("referrals/<int:pk>/handover/", referrals.referral_handover, name="referral_handover"),
    path("referrals/<int:pk>/slip.pdf", referrals.referral_slip, name="referral_slip"),
    path("statistics/", stats.statistics, name="statistics"),
]
