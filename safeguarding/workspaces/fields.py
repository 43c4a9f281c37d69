"""The encrypted model fields moved to ``safeguarding.core.encrypted_fields`` (privacy uses
them too). This name stays so the migrations that refer to it still load."""

from safeguarding.core.encrypted_fields import (
    EncryptedBytesField,
    EncryptedDateField,
    EncryptedField,
    EncryptedTextField,
    LookupHashField,
    RowKeyed,
    Sealed,
)

__all__ = [
    "EncryptedBytesField",
    "EncryptedDateField",
    "EncryptedField",
    "EncryptedTextField",
    "LookupHashField",
    "RowKeyed",
    "Sealed",
]
