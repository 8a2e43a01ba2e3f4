"""Viewflow flows: document intake, invoice approval, building applications."""
