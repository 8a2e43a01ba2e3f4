"""All rule modules; importing this package registers every rule in `registry.RULES`.

One import line per rule module (each helper adds the lines of the modules it owns).
"""

import invoicing.validation.rules.cii_syntax
import invoicing.validation.rules.codelists
import invoicing.validation.rules.en16931_core
import invoicing.validation.rules.en16931_totals
import invoicing.validation.rules.en16931_vat
import invoicing.validation.rules.facturx
import invoicing.validation.rules.own
import invoicing.validation.rules.peppol
import invoicing.validation.rules.schema
import invoicing.validation.rules.ubl_syntax
import invoicing.validation.rules.xrechnung  # noqa: F401
