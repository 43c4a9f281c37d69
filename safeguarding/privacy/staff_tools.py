"""The privacy engine's tools on the staff dashboard (see ``accounts.navigation``)."""

from safeguarding.accounts.navigation import StaffTool
from safeguarding.accounts.roles import CALL_HANDLING_ROLES, DATA_PROTECTION_ROLES

TOOLS = (
    StaffTool(
        "Verify a caller",
        "identity:find",
        "Security questions and authorisations before discussing someone's data.",
        CALL_HANDLING_ROLES,
    ),
    StaffTool(
        "Find a person",
        "subjects:search",
        "Everything we hold about someone, found by name or email address; legal holds.",
        DATA_PROTECTION_ROLES,
    ),
    StaffTool(
        "Rights requests",
        "rights:queue",
        "Requests to see, correct or erase data, with their legal deadlines.",
        DATA_PROTECTION_ROLES,
    ),
    StaffTool(
        "Written authorisations awaiting approval",
        "identity:authorisations_awaiting",
        "Approve or reject a colleague's record of a signed authorisation.",
        DATA_PROTECTION_ROLES,
    ),
    StaffTool(
        "Disclosure register",
        "disclosures:disclosures",
        "Disclosures required by law, and their approval.",
        DATA_PROTECTION_ROLES,
    ),
    StaffTool(
        "Retention and legal holds",
        "retention:overview",
        "How long records are kept, what is due for disposal, and legal holds.",
        DATA_PROTECTION_ROLES,
    ),
    StaffTool(
        "Record of processing",
        "records:article_30",
        "The Article 30 record, generated from the data inventory.",
        DATA_PROTECTION_ROLES,
    ),
)
