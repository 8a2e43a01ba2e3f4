"""E-invoice validation: layers of rules, each a small registered function (pure code)."""
