// Module fhir: filled in by its issue.
