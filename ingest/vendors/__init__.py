"""One reader per vendor export, each detected by content (``apple_health``, ``fitbit``,
``garmin_activities``, ``garmin_account``, ``generic_csv``, ``hrv4training``, ``intervals_icu``,
``oura_legacy``, ``oura_membership``, ``whoop``), and what they share: the one strict CSV parser
(``strict_csv``), whole-file JSON parsing with located errors (``json_documents``) and local
times, UTC offsets and local dates (``timestamps``). Vendor modules never import each other."""
