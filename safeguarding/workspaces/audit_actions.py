"""The audit actions workspaces write (``safeguarding.audit.actions``). Reads of restricted
records go to the read log, sealed into the trail once a day, not one entry each."""

from safeguarding.audit.actions import register

register(
    "workspaces",
    {
        "workspaces.workspace.created": "A restricted workspace was opened",
        "workspaces.workspace.closed": "A restricted workspace was closed",
        "workspaces.membership.granted": "Access to a workspace was given",
        "workspaces.membership.revoked": "Access to a workspace was taken away",
        "workspaces.membership.confirmed": "A member's access was confirmed as still needed",
        "workspaces.membership.lapsed": (
            "A member's access ended because no lead confirmed it was still needed"
        ),
        "workspaces.recertification.reminder_sent": (
            "The leads were asked to confirm who still needs access"
        ),
        "workspaces.read_log.sealed": "A day's reads of restricted records were sealed",
        "workspaces.document.uploaded": "A document was added to a workspace",
        "workspaces.sharing_decision.recorded": "An information-sharing decision was recorded",
        "workspaces.keys.rotated": "Encrypted values were re-encrypted with the newest key",
    },
)
