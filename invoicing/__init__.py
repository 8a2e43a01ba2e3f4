"""E-invoice reception, validation and approval (XRechnung, ZUGFeRD/Factur-X)."""
