"""Running a study without a developer: settings, guarded stage changes, people, lead coverage."""
