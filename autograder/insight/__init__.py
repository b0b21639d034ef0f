"""Class insight for TAs, built after grading from what grading stored (never by running student
code again): what the class got wrong, which quiz questions work, who may have copied, and the
grades out to an LMS.

    stored_checks.py    the per-check results grading stores for each notebook (written by
                        the trusted side only), and reading them back
    gradebook.py        nbgrader's gradebook, read into plain data
    class_report.py     per exercise: scores, and the mistakes the graders named, counted
    quiz_items.py       per quiz question: difficulty, discrimination, wrong choices picked
    report_pages.py     the class report as a terminal table and as one HTML page with plots
    similarity.py       pairs of submissions whose own code is alike (for a TA to read)
    similarity_page.py  those pairs as terminal lines and side by side in an HTML page
    grades.py           grades out: nbgrader's columns plus one per exercise; Canvas; Moodle
"""
