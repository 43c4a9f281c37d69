"""The audit actions the privacy engine writes (``safeguarding.audit.actions``)."""

from safeguarding.audit.actions import register

register(
    "privacy",
    {
        # Rights requests
        "privacy.rights_request.submitted": "A rights request was made on the website",
        "privacy.rights_request.confirmed": "A requester confirmed their email address",
        "privacy.rights_request.logged": "A rights request was logged by a member of staff",
        "privacy.rights_request.paused": "A rights request's clock was paused",
        "privacy.rights_request.resumed": "A rights request's clock was restarted",
        "privacy.rights_request.extended": "A rights request's deadline was extended",
        "privacy.rights_request.exported": "A copy of a person's data was made",
        "privacy.rights_request.rectified": "Data was corrected on request",
        "privacy.rights_request.erasure_prepared": "An erasure was prepared for approval",
        "privacy.rights_request.erasure_approved": "A prepared erasure was approved",
        "privacy.rights_request.erasure_rejected": "A prepared erasure was rejected",
        "privacy.rights_request.erasure_withdrawn": "A prepared erasure was withdrawn",
        "privacy.rights_request.erasure_own_approval_refused": (
            "Someone tried to approve an erasure they prepared"
        ),
        "privacy.rights_request.erased": "Data was erased on request",
        "privacy.rights_request.completed": "A rights request was completed",
        "privacy.rights_request.refused": "A rights request was refused, with the reason",
        "privacy.rights_request.withdrawn": "A rights request was withdrawn",
        "privacy.export_delivery.created": "A link to download an access export was made",
        "privacy.export_delivery.downloaded": "A requester downloaded their access export",
        "privacy.export_delivery.cancelled": "Staff cancelled a link to download an access export",
        "privacy.export_delivery.wrong_address": (
            "A wrong email address was typed on an access export's download page"
        ),
        "privacy.rights_request.pruned": "A rights request past its retention was removed",
        "privacy.rights_request.read": "A rights request was opened",
        "privacy.person.name_corrected": "A person's name was corrected",
        "privacy.restriction.placed": "Processing was restricted on request",
        "privacy.restriction.lifted": "A restriction of processing was lifted",
        "privacy.objection.decided": "An objection was decided",
        "privacy.export.refused": "Sharing was refused by the sharing rules",
        "privacy.withheld_item.proposed": "Withholding an item from an access copy was proposed",
        "privacy.withheld_item.signed_off": "Withholding an item was signed off",
        "privacy.withheld_item.dropped": "A proposal to withhold an item was dropped",
        "privacy.withheld_item.own_sign_off_refused": (
            "Someone tried to sign off their own withholding"
        ),
        # Callers, authorisations and disclosures
        "privacy.caller.started": "A caller check was started",
        "privacy.caller.verified": "A caller answered their security questions",
        "privacy.caller.failed": "A caller did not answer their security questions",
        "privacy.caller.locked": "Caller checks were locked after wrong answers",
        "privacy.security_questions.link_sent": "A link to set security questions was sent",
        "privacy.security_questions.set": "Security questions were set",
        "privacy.authorisation.recorded": "An authorisation to act for someone was recorded",
        "privacy.authorisation.approved": "A written authorisation was approved",
        "privacy.authorisation.rejected": "A written authorisation was rejected",
        "privacy.authorisation.used": "An authorisation was relied on in a call",
        "privacy.authorisation.revoked": "An authorisation was revoked",
        "privacy.authorisation.read": "An authorisation was opened",
        "privacy.authorisations.read": "Someone's authorisations were looked up",
        "privacy.authorisations_awaiting.read": "Authorisations awaiting approval were viewed",
        "privacy.disclosure.recorded": "A disclosure was recorded",
        "privacy.disclosure.approved": "A disclosure was approved",
        "privacy.disclosure.read": "A disclosure was opened",
        "privacy.disclosure_register.read": "The disclosure register was viewed",
        # Finding a person
        "privacy.person_search.read": "Someone searched for a person by name or address",
        "privacy.person_records.read": "A person's records were listed",
        "privacy.caller_summary.read": "A verified caller's records were summarised for the call",
        # Retention
        "privacy.retention.rule_changed": "A retention period was changed",
        "privacy.retention.period_proposed": "A shorter retention period was proposed",
        "privacy.retention.proposal_approved": "A shorter retention period was approved",
        "privacy.retention.proposal_rejected": "A shorter retention period was rejected",
        "privacy.retention.proposal_withdrawn": "A proposed retention period was withdrawn",
        "privacy.retention.own_approval_refused": "Someone tried to approve their own proposal",
        "privacy.retention.hold_placed": "A legal hold was placed",
        "privacy.retention.hold_release_requested": "Releasing a legal hold was asked for",
        "privacy.retention.hold_release_approved": "Releasing a legal hold was approved",
        "privacy.retention.hold_release_rejected": "Releasing a legal hold was rejected",
        "privacy.retention.hold_release_withdrawn": "A request to release a hold was withdrawn",
        "privacy.retention.hold_release_own_approval_refused": (
            "Someone tried to approve releasing a hold they asked for"
        ),
        "privacy.retention.hold_released": "A legal hold was released",
        "privacy.retention.swept": "The daily retention sweep ran",
        "privacy.retention.disposed": "Records past their retention period were disposed of",
        "privacy.retention.batch_disposed": "A batch of records was disposed of",
    },
)
