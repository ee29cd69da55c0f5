"""Importing rows read from a spreadsheet, and reading rows out for an export."""

from models.services.imports.exporting import ExportService
from models.services.imports.held import HeldImportService
from models.services.imports.service import ImportService

__all__ = ["ExportService", "HeldImportService", "ImportService"]
