from tests.workflows.building_support import (  # noqa: F401 (fixtures)
    authority,
    checklist,
    fachstellen,
    people,
)
