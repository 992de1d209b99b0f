"""Date and number formats per language (FORMAT_MODULE_PATH; docs/languages.md).

Templates name a format instead of spelling one: `{{ when|date:"DATE_FORMAT" }}` reads
"3 Dec 2026" in English and "3. Dez 2026" in German.
"""
