"""Services of the building application (Bauantrag): every write, checked and audited.

One module per step of the procedure; the flow (`workflows.building_application`) calls them
in its nodes and task views, the API and the pages call them for applicants and clerks.
"""
