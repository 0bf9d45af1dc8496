"""The bulk FIT decoder: one record walk (``walk``), definition messages (``definitions``),
developer fields (``developer``), and one structured numpy decode per definition run (``columns``),
assembled by ``decoder``."""
