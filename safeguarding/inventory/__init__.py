"""The declaration kernel: what personal data the platform holds, why, and for how long.

Every app declares its models' fields in its own ``data_inventory`` module with the types in
``declarations``; purposes, retention rules and the data taxonomy are declared here too. The
notice, the Article 30 record, exports, erasure and retention are all generated from these
declarations, and the system checks in ``checks`` keep them complete and lawful.

This package is the bottom layer: it imports nothing else of the project (the layers contract
in pyproject.toml says so, and `make lint` checks it).
"""
