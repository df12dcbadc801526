// Module push: filled in by its issue.
