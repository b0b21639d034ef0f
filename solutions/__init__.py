"""Reference solutions of the course exercises: plain functions, importable without Jupyter."""
