<?xml version="1.0" encoding="UTF-8"?>
<!-- Placeholder for the createReport stylesheet; Aktenfluss does not run it. -->
<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/"><report/></xsl:template>
</xsl:stylesheet>
