"""English dates the way every English reader reads them the same: day, month in letters,
year ("6 December 2026"; "6 Dec 2026" in lists), never "12/03/2026", which an American
reads as 3 December and a British reader as 12 March. Turkish and German keep Django's."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
