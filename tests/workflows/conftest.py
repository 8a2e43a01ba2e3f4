from .building_support import authority, checklist, fachstellen, people  # noqa: F401
