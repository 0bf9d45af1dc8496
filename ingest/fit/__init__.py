"""FIT files: the decoder contract and profile (``messages``, ``profile``), two decoders behind it
(``reference``: python-fitparse; ``bulk/``: one vectorised walk), the extraction of daily rows and
sessions from decoded messages (``extract/``) and the adapter the registry calls (``reading``)."""
