"""Hidden graders: one pytest module per assignment, each check marked @exercise(name)."""
