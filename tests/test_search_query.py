"""Reading what people type, and the analyzer chosen on purpose (no app needed)."""

import pytest

from app.errors import ValidationError
from app.search.query import MAX_QUERY, parse_query
from app.search.searching import analyze


def test_running_runs_and_run_share_one_stem_and_the_porter_pitfall_is_avoided():
    # Whoosh's default StemmingAnalyzer turns "running" into "runn" (DESIGN.md pitfall).
    assert analyze("running") == analyze("runs") == analyze("run") == ["run"]
    assert analyze("policing") == analyze("police")
    assert analyze("Officers") == analyze("officer")


def test_case_accents_and_common_words():
    assert analyze("CAFÉ Café cafe") == ["cafe", "cafe", "cafe"]
    assert analyze("the and of") == []
    # "IT" and "May" matter here (the IT service desk, the May bank holiday): not stop words.
    assert analyze("IT") == ["it"] and analyze("May") == ["may"]


def test_plain_words_are_all_required_and_kept_as_typed():
    parsed = parse_query("  shift   Patterns ")
    assert parsed.words == ["shift", "Patterns"] and parsed.has_terms and not parsed.is_empty


def test_phrases_exclusions_and_prefixes():
    parsed = parse_query('"stop and search" -overtime -"night shift" polic* "unfinished')
    assert parsed.phrases == ["stop and search", "unfinished"]
    assert parsed.excluded == ["overtime", "night shift"]
    assert parsed.prefixes == ["polic"]
    assert parsed.words == []


def test_filters_typed_in_the_box():
    parsed = parse_query("kit from:@Jordan.Ellis from:aisha.rahman in:Response-Team #Wellbeing")
    assert parsed.authors == ["jordan.ellis", "aisha.rahman"]
    assert parsed.communities == ["response-team"]
    assert parsed.topics == ["wellbeing"]
    assert parsed.words == ["kit"]


@pytest.mark.parametrize("typed", ["*", "a*", "-", "#", "from:", "in:", "from:@", '""', '-""'])
def test_odd_input_never_breaks_the_parser(typed):
    parsed = parse_query(typed)
    assert parsed.prefixes == [] and parsed.authors == [] and parsed.communities == []


def test_empty_and_too_long():
    assert parse_query("").is_empty and parse_query(None).is_empty and parse_query("\x00\x07").is_empty
    with pytest.raises(ValidationError) as error:
        parse_query("x" * (MAX_QUERY + 1))
    assert "200 characters" in error.value.fields["q"]
    with pytest.raises(ValidationError) as error:
        parse_query(" ".join(["word"] * 21))
    assert "at most 20 words" in error.value.fields["q"]


def test_did_you_mean_replaces_one_word_as_typed():
    parsed = parse_query('Wellbeng "rest days" #kit')
    assert parsed.with_word("Wellbeng", "wellbeing") == 'wellbeing "rest days" #kit'
