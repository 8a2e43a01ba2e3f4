"""Connectors to other document systems (Paperless-ngx)."""
