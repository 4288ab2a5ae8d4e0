"""What pages and printed reports show alike: labels and formats (``i18n``), KPI and budget charts, the map, and the
view objects they draw from. It sits below ``web`` and ``export``, which both use it and never each other; it reads no
database and knows no HTTP."""
