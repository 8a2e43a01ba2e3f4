<?xml version="1.0" encoding="UTF-8"?>
<!-- Tiny test stylesheet in the shape of compiled Schematron (XSLT 3.0, SVRL output).
     Written for Aktenfluss' tests; the rule texts are made up. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:svrl="http://purl.oclc.org/dsdl/svrl"
    xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
    exclude-result-prefixes="ubl cbc">
  <xsl:output method="xml"/>

  <xsl:template match="/">
    <svrl:schematron-output title="Tiny XRechnung rules (UBL)">
      <svrl:active-pattern id="tiny-xrechnung"/>
      <xsl:for-each select="ubl:Invoice">
        <svrl:fired-rule context="/ubl:Invoice"/>
        <xsl:if test="not(exists(cbc:BuyerReference[normalize-space(.) != '']))">
          <svrl:failed-assert test="cbc:BuyerReference" id="BR-DE-15" flag="fatal"
                              location="{path(.)}">
            <svrl:text>[BR-DE-15] BT-10 missing: the element "Buyer reference" (BT-10) must be given.</svrl:text>
          </svrl:failed-assert>
        </xsl:if>
      </xsl:for-each>
    </svrl:schematron-output>
  </xsl:template>
</xsl:stylesheet>
