"""The three tables every reader fills — ``daily``, ``sessions``, ``checkins`` — with their
columns, units and valid ranges (``tables``), the one boolean parser and fast casting of raw
columns (``casting``) and JSON-ready records (``records``)."""
