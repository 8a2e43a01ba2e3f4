<?xml version="1.0" encoding="UTF-8"?>
<!-- Tiny test stylesheet in the shape of compiled Schematron (XSLT 3.0, SVRL output).
     Written for Aktenfluss' tests; the rule texts are made up. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:svrl="http://purl.oclc.org/dsdl/svrl"
    xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    exclude-result-prefixes="rsm ram">
  <xsl:output method="xml"/>

  <xsl:template match="/">
    <svrl:schematron-output title="Tiny XRechnung rules (CII)">
      <svrl:active-pattern id="tiny-xrechnung-cii"/>
      <xsl:for-each select="rsm:CrossIndustryInvoice">
        <svrl:fired-rule context="/rsm:CrossIndustryInvoice"/>
        <xsl:variable name="agreement"
            select="rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"/>
        <xsl:if test="not($agreement/ram:BuyerReference[normalize-space(.) != ''])">
          <svrl:failed-assert test="ram:BuyerReference" id="BR-DE-15" flag="fatal"
                              location="{path(.)}">
            <svrl:text>[BR-DE-15] BT-10 missing: the element "Buyer reference" (BT-10) must be given.</svrl:text>
          </svrl:failed-assert>
        </xsl:if>
        <xsl:if test="not(rsm:ExchangedDocument/ram:IncludedNote)">
          <svrl:failed-assert test="ram:IncludedNote" id="BR-TEST-W2" flag="warning"
                              location="{path(rsm:ExchangedDocument)}">
            <svrl:text>[BR-TEST-W2]-An invoice note (BT-22) should be given.</svrl:text>
          </svrl:failed-assert>
        </xsl:if>
        <xsl:for-each select=".//ram:BilledQuantity[@unitCode = 'XXX']">
          <svrl:failed-assert test="@unitCode != 'XXX'" id="BR-CL-23" flag="fatal"
                              location="{path(.)}">
            <svrl:text>[BR-CL-23]-Unit code (test) must be from the list.</svrl:text>
          </svrl:failed-assert>
        </xsl:for-each>
      </xsl:for-each>
    </svrl:schematron-output>
  </xsl:template>
</xsl:stylesheet>
