"""Data subjects' requests: logging them with their statutory due date, and the decisions on rectification,
erasure, restriction and objection (docs/privacy.md). Access requests continue in privacy.sar."""
