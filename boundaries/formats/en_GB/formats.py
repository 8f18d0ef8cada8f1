"""One date style on every page, e-mail and timeline entry: "17 July 2026", times in UK time ("17 July 2026,
14:05"). `{{ value|date }}` and `{{ value }}` use these; Python code uses core.formats.uk_date/uk_datetime,
which read the same settings. What people type is still read as 17/07/2026 (Django's en_GB input formats)."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
