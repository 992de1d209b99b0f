"""English dates and numbers as Goalkeeper writes them: "3 Dec 2026", "3 Dec, 09:30", "1,234.5".

Day before month (the app is used well beyond the US); the 24-hour clock. Named in
templates (`|date:"DATE_FORMAT"`), never spelled there.
"""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
