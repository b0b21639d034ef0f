"""Ways to run the course for a class: ``jupyterhub/``, one grading machine's JupyterHub."""
