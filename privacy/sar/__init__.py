"""Subject-access requests: assembling everything held about a person (collect), replacing other people
by their part (redact), the DPO's review, and the released copy (render, services). docs/privacy.md."""
