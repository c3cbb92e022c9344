"""Every model survives to_dict/from_dict (and JSON); to_dict is the file format itself."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.content import (
    Bank,
    Card,
    CardDeck,
    Expect,
    FrozenMap,
    Misconception,
    Option,
    Question,
    Scene,
    SceneRun,
    ScheduleStep,
    Source,
    Taxonomy,
    Text,
    Topic,
    check_content,
)
from studyapp.content.reader import read_document
from studyapp.content.yamlload import parse_document

FIXTURES = Path(__file__).parent / "fixtures"

ids = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20)
texts = st.one_of(
    st.builds(Text, en=words, ko=words), st.builds(Text, en=words), st.builds(Text, ko=words)
)
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
positive = st.floats(min_value=1e-9, max_value=1e6, allow_nan=False)
param_values = st.one_of(finite, st.integers(-1000, 1000), st.booleans(), st.sampled_from(["cos", "linear"]), st.tuples(finite, finite))
params = st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True).filter(lambda key: key not in ("name", "until")), param_values, max_size=3).map(FrozenMap)
schedules = st.builds(ScheduleStep, name=st.sampled_from(["cosine", "linear", "step"]), params=params, until=st.none() | st.integers(1, 500))
expects = st.builds(
    Expect,
    regime=st.none() | st.sampled_from(["converged", "slow", "oscillating", "diverged", "trapped"]),
    converged_by=st.none() | st.integers(0, 100),
    diverged_by=st.none() | st.integers(0, 100),
    ends_lower_than=st.none() | ids,
    ends_in_global_minimum=st.none() | st.booleans(),
    final_loss_below=st.none() | finite,
)
runs = st.builds(
    SceneRun,
    id=ids,
    lr=positive,
    optimizer=st.sampled_from(["sgd", "adam", "rmsprop"]),
    label=st.none() | texts,
    settings=params,
    schedule=st.lists(schedules, max_size=3).map(tuple),
    x0=st.none() | st.lists(finite, min_size=1, max_size=2).map(tuple),
    max_norm=st.none() | positive,
    expect=st.none() | expects.filter(lambda expect: bool(expect.claims())),
)
scenes = st.builds(
    Scene,
    surface=st.sampled_from(["quadratic", "ravine", "bumpy"]),
    steps=st.integers(1, 1000),
    runs=st.lists(runs, min_size=1, max_size=3).map(tuple),
    params=params,
    show=st.sampled_from([("loss",), ("loss", "path"), ("path", "lr", "loss")]),
    caption=st.none() | texts,
)
options = st.builds(
    Option, key=st.sampled_from("abcdefgh"), text=texts, correct=st.booleans(), explanation=texts,
    misconception=st.none() | ids, scene=st.none() | scenes,
)
id_tuples = st.lists(ids, max_size=3, unique=True).map(tuple)
questions = st.builds(
    Question, id=ids, kind=st.sampled_from(["single", "multi"]), difficulty=st.integers(1, 3), stem=texts,
    options=st.lists(options, min_size=2, max_size=4).map(tuple), topics=id_tuples, source=st.none() | ids,
    cards=id_tuples, scene=st.none() | scenes,
)
cards = st.builds(
    Card, id=ids, front=texts, back=texts, key_points=st.lists(texts, max_size=3).map(tuple), topics=id_tuples,
    source=st.none() | ids, questions=id_tuples, scene=st.none() | scenes,
)
banks = st.builds(
    Bank, id=ids, title=texts, questions=st.lists(questions, max_size=2).map(tuple), description=st.none() | texts,
    topics=id_tuples, sources=id_tuples,
)
decks = st.builds(CardDeck, id=ids, title=texts, cards=st.lists(cards, max_size=2).map(tuple), description=st.none() | texts)
taxonomies = st.builds(
    Taxonomy,
    topics=st.lists(st.builds(Topic, id=ids, name=texts), max_size=3).map(tuple),
    sources=st.lists(st.builds(Source, id=ids, title=texts, note=st.none() | words), max_size=3).map(tuple),
    misconceptions=st.lists(st.builds(Misconception, id=ids, name=texts, card=ids), max_size=3).map(tuple),
)
models = st.one_of(texts, schedules, expects, runs, scenes, options, questions, cards, banks, decks, taxonomies)


@settings(max_examples=60, deadline=None)
@given(models)
def test_every_model_round_trips_through_dicts_and_json(model):
    data = model.to_dict()
    assert type(model).from_dict(data) == model
    assert type(model).from_dict(json.loads(json.dumps(data))) == model


@settings(max_examples=30, deadline=None)
@given(questions)
def test_models_are_immutable_and_hashable(question):
    with pytest.raises(dataclasses.FrozenInstanceError):
        question.id = "other"  # type: ignore[misc]
    assert hash(question) == hash(Question.from_dict(question.to_dict()))


def test_location_takes_no_part_in_equality():
    topic = Topic(id="t", name=Text("a", "b"), file="x.yaml", line=3)
    assert topic == Topic(id="t", name=Text("a", "b"))
    assert Topic.from_dict(topic.to_dict()).file == ""


def test_text_falls_back_to_the_other_language():
    assert Text("lr", "학습률").get("ko") == "학습률"
    assert Text(en="only English").get("ko") == "only English"
    assert Text(ko="한국어만").get("en") == "한국어만"
    assert Text(en="x").missing() == ("ko",)
    with pytest.raises(ValueError):
        Text()
    with pytest.raises(ValueError):
        Text("x").get("fr")


def _reads_back_the_same(model) -> None:
    text = yaml.safe_dump(model.to_dict(), allow_unicode=True, sort_keys=False)
    result = read_document(parse_document(text.encode("utf-8"), "dumped.yaml", max_bytes=None), "dumped.yaml")
    assert [str(problem) for problem in result.problems if problem.is_error] == []
    assert result.model == model


def test_to_dict_written_as_yaml_reads_back_to_the_same_model():
    library = check_content([FIXTURES], bundled=False, cache_dir=None).library
    models = [*library.banks, *library.decks, library.taxonomy]
    assert [type(model) for model in models] == [Bank, CardDeck, Taxonomy]
    for model in models:
        _reads_back_the_same(model)


def test_content_hash_tracks_what_the_learner_answers():
    question = check_content([FIXTURES], bundled=False, cache_dir=None).library.questions["q-fixture"]
    # Pinned: progress records store this hash, so changing how it is computed orphans them.
    assert question.content_hash == "4ccae00decee2b2f"
    same = dataclasses.replace(question, topics=("divergence",), cards=(), scene=None, difficulty=3, file="elsewhere.yaml", line=99)
    assert same.content_hash == question.content_hash
    reworded = dataclasses.replace(question, stem=Text("Which rate converges on x^2 from 1?", question.stem.ko))
    option = dataclasses.replace(question.options[1], explanation=Text("It grows.", question.options[1].explanation.ko))
    new_explanation = dataclasses.replace(question, options=(question.options[0], option))
    flipped = dataclasses.replace(question, kind="multi")
    hashes = {question.content_hash, reworded.content_hash, new_explanation.content_hash, flipped.content_hash}
    assert len(hashes) == 4


def test_bundled_models_written_as_yaml_read_back_the_same():
    library = check_content(run_scenes=False, cache_dir=None).library
    assert library.banks and library.decks
    for model in [*library.banks, *library.decks, library.taxonomy]:
        _reads_back_the_same(model)
