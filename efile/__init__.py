"""The e-file core: departments, filing plan, e-files, documents, parties, audit trail."""
