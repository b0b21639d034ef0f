"""Reading notebook files, with a message that says what is wrong with a bad one."""


def read_notebook(path):
    """Read a notebook file (nbformat v4), or raise ValueError saying what is wrong."""
    import nbformat  # ~1-2 s to import: the quiz commands, which read no notebook, skip it

    try:
        notebook = nbformat.read(str(path), as_version=4)
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{path}: is a folder, not a notebook") from None
    except Exception as error:  # nbformat raises many kinds for a file that is not a notebook
        raise ValueError(f"{path}: not a readable Jupyter notebook "
                         f"({type(error).__name__}: {str(error)[:200]})") from None
    return notebook
