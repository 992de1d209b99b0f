"""Every word a template shows goes through a translate tag (docs/languages.md)."""

from __future__ import annotations

import pytest

from tests.i18n.catalogues import GOALKEEPER, apps
from tests.i18n.templates import templates_of, untranslated

APPS_WITH_TEMPLATES = [app for app in apps() if templates_of(app)]


@pytest.mark.parametrize("app", APPS_WITH_TEMPLATES)
def test_every_word_of_an_apps_templates_is_translatable(app: str) -> None:
    found = {}
    for path in templates_of(app):
        problems = untranslated(path.read_text(encoding="utf-8"))
        if problems:
            found[str(path.relative_to(GOALKEEPER))] = problems
    report = "\n".join(
        f"{name}:\n" + "\n".join(f"    {text!r}" for text in texts) for name, texts in found.items()
    )
    assert not found, f"words outside translate tags:\n{report}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Hello</p>", ["Hello"]),
        (
            '<a title="Open it" href="{% url "home" %}">{% translate "Home" %}</a>',
            ['title="Open it"'],
        ),
        ('<input type="submit" value="Save">', ['value="Save"']),
        ('<input type="number" value="{{ x }}">', []),
        ("{% blocktranslate with n=x %}Hello {{ n }}{% endblocktranslate %}", []),
        ('{% translate "Search" as t %}<input placeholder="{{ t }}">', []),
        ("<p>{{ name }} &middot; KPI</p>", []),
        (
            "{% block body_class %}auth{% endblock %}{% block title %}Log in{% endblock %}",
            ["Log in"],
        ),
        ("{# a note #}{% comment %}Not shown{% endcomment %}<script>let a = 'x';</script>", []),
        (
            '{% empty_state "No cycle yet" "Add one." icon="cycle" %}',
            ['{% empty_state %} "No cycle yet"', '{% empty_state %} "Add one."'],
        ),
        ('{% empty_state _("No cycle yet") _("Add one.") icon="cycle" %}', []),
        ('{% include "x/_field.html" with label="Kind" class="a b" %}', ['{% include %} "Kind"']),
        ('{{ when|date:"j M Y" }} {{ owner|default:"Nobody" }}', ['{{ owner|default:"Nobody" }}']),
    ],
)
def test_the_check_finds_words_outside_translate_tags(source: str, expected: list[str]) -> None:
    assert untranslated(source) == expected
