<?xml version="1.0" encoding="UTF-8"?>
<!-- Tiny test stylesheet in the shape of compiled Schematron (XSLT 2.0, SVRL output).
     Written for Aktenfluss' tests; the rule texts are made up. -->
<xsl:stylesheet version="2.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:svrl="http://purl.oclc.org/dsdl/svrl"
    xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
    exclude-result-prefixes="ubl cac cbc">
  <xsl:output method="xml" indent="yes"/>

  <xsl:template match="/">
    <svrl:schematron-output title="Tiny EN 16931 rules (UBL)" schemaVersion="test">
      <svrl:active-pattern id="tiny-model"/>
      <xsl:apply-templates select="ubl:Invoice"/>
    </svrl:schematron-output>
  </xsl:template>

  <xsl:template match="ubl:Invoice">
    <svrl:fired-rule context="/ubl:Invoice"/>
    <xsl:if test="not(every $scheme in .//cac:StandardItemIdentification/cbc:ID/@schemeID
                      satisfies $scheme = ('0088', '0160'))">
      <svrl:failed-assert test="scheme in ISO 6523 ICD" id="BR-CL-21" flag="fatal"
                          location="/*:Invoice[1]">
        <svrl:text>[BR-CL-21]-Item standard identifier scheme (test) must be from the list.</svrl:text>
      </svrl:failed-assert>
    </xsl:if>
    <xsl:if test="not(cbc:Note)">
      <svrl:failed-assert test="cbc:Note" id="BR-TEST-W1" flag="warning" location="/*:Invoice[1]">
        <svrl:text>[BR-TEST-W1]-An invoice note (BT-22) should be given.</svrl:text>
      </svrl:failed-assert>
    </xsl:if>
    <xsl:if test="cbc:InvoiceTypeCode = '999'">
      <svrl:successful-report test="cbc:InvoiceTypeCode = '999'" id="BR-TEST-R1" flag="error"
                              location="/*:Invoice[1]/*:InvoiceTypeCode[1]">
        <svrl:text>[BR-TEST-R1]-Invoice type code 999 is not allowed.</svrl:text>
      </svrl:successful-report>
    </xsl:if>
    <xsl:if test="cbc:AccountingCost">
      <svrl:successful-report test="cbc:AccountingCost" id="BR-TEST-I1" flag="information"
                              location="/*:Invoice[1]/*:AccountingCost[1]">
        <svrl:text>[BR-TEST-I1]-Buyer accounting reference (BT-19) present.</svrl:text>
      </svrl:successful-report>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
