"""CSV imports from the HR system (staff) and the care record system (service users).

Used by the `import_staff` / `import_service_users` commands and by the admin's "Import from CSV"
pages; docs/imports.md describes the columns. Every import works in two phases:

1. validate every row against the file and the database, collecting *all* problems with their line
   numbers (a few queries for the whole file, none per row);
2. only if there is none, write everything in one transaction, one object at a time through the
   ORM, so simple-history records each change (STYLE.md: never `QuerySet.update` or bulk writes).

A file with any bad row changes nothing. Rows are matched on `staff_number` / `reference`, so running
the same file again updates rather than duplicates.

`common` reads the file and holds what both imports share (the result, the errors, the parsers);
`staff` and `service_users` hold each import's columns, checks and writes.
"""

from people.imports.common import ImportRejected, ImportResult, RowError
from people.imports.service_users import SERVICE_USER_COLUMNS, SERVICE_USER_REQUIRED, service_user_import
from people.imports.staff import STAFF_COLUMNS, STAFF_REQUIRED, staff_import

__all__ = [
    "SERVICE_USER_COLUMNS",
    "SERVICE_USER_REQUIRED",
    "STAFF_COLUMNS",
    "STAFF_REQUIRED",
    "ImportRejected",
    "ImportResult",
    "RowError",
    "service_user_import",
    "staff_import",
]
