from rest_framework import serializers

from efile.models import DocumentVersion, EFile


class EFileSerializer(serializers.ModelSerializer):
    plan_code = serializers.CharField(source="plan_item.code", read_only=True)
    org_unit = serializers.CharField(source="org_unit.code", read_only=True)

    class Meta:
        model = EFile
        fields = [
            "id",
            "reference",
            "title",
            "plan_code",
            "org_unit",
            "status",
            "opened_at",
            "closed_at",
        ]


class DocumentVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentVersion
        fields = [
            "id",
            "number",
            "filename",
            "mime_type",
            "size",
            "page_count",
            "sha256",
            "created_at",
        ]
