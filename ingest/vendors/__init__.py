"""One reader per vendor export, each detected by content, plus the strict CSV parser they share
(``strict_csv``)."""
