"""The course's JupyterHub on one grading machine: ``make hub`` (as root).

``deployment`` says where everything lives and who uses it; ``accounts`` makes the system users
(one instructor, the students of a roster); ``environments`` builds the instructor's and the
students' Pythons; ``course_folder`` copies the course and makes the exchange; ``__main__``
prepares all of it, starts JupyterHub with ``jupyterhub_config.py`` and stops it on Ctrl-C.
"""
