"""From decoded FIT messages to table rows: the device clock and local days (``clock``), activity
sessions (``activity``), monitoring days (``monitoring``), sleep and HRV status (``sleep``) and
the final frames (``frames``)."""
