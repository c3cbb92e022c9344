"""Load and validate a generated 10,000-question bank, against a bare libyaml parse of the same file.

    python benchmarks/bench_content.py [--questions N] [--repeat R]

The bank is realistic: four options with bilingual explanations per question, topics, cards,
misconceptions, and a scene on 70% of the questions (read and checked against the descent
tables, not run). studyapp's side is `check_content` on the folder holding the bank and a
small taxonomy and card file it refers to: reading, the positioned YAML load, building the
models, every per-file and cross-file check. The baseline is `yaml.load(text, CSafeLoader)`,
the usual way to parse YAML with libyaml from Python, which builds plain dicts and checks nothing.
Each side is timed best of R, alternating, in this one process; the target is at most 1.5x.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

TOPICS = ["overshooting", "divergence", "oscillation", "schedules", "momentum", "adaptive"]
MISCONCEPTIONS = ["larger-lr-always-faster", "divergence-mistaken-for-oscillation", "smaller-lr-always-better"]
CARDS = [f"card-generated-{index}" for index in range(20)]
WORDS_EN = ["the", "learning", "rate", "step", "size", "curvature", "update", "minimum", "overshoots", "shrinks", "grows", "loss", "converges", "diverges", "every", "slowly", "quickly"]
WORDS_KO = ["학습률", "보폭", "곡률", "갱신", "최솟값", "지나친다", "줄어든다", "커진다", "손실", "수렴", "발산", "매번", "천천히", "빠르게", "이때"]


def sentence(rng: random.Random, words: list[str], low: int, high: int) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(low, high))).capitalize() + "."


def text_block(rng: random.Random, indent: str, low: int, high: int, prefix: str = "") -> str:
    return (
        f"{indent}en: >-\n{indent}  {prefix}{sentence(rng, WORDS_EN, low, high)}\n"
        f"{indent}ko: >-\n{indent}  {prefix}{sentence(rng, WORDS_KO, low, high)}\n"
    )


def scene(rng: random.Random, indent: str) -> str:
    lines = [f"{indent}scene:", f"{indent}  surface: quadratic", f"{indent}  steps: {rng.choice([50, 100, 200])}", f"{indent}  show: [loss, path]", f"{indent}  runs:"]
    for run in range(rng.randint(1, 5)):
        lr = rng.choice([0.01, 0.1, 0.7, 0.99, 1.01])
        lines.append(f"{indent}    - id: run-{run}")
        lines.append(f'{indent}      label: {{en: "lr {lr}", ko: "학습률 {lr}"}}')
        lines.append(f"{indent}      lr: {lr}")
        lines.append(f"{indent}      x0: [1.0]")
        if rng.random() < 0.3:
            lines.append(f"{indent}      schedule: {{name: cosine, eta_min: 0.001}}")
        lines.append(f"{indent}      expect: {{regime: converged}}")
    return "\n".join(lines) + "\n"


def question(rng: random.Random, index: int) -> str:
    multi = rng.random() < 0.2
    correct = {0, 2} if multi else {rng.randrange(4)}
    parts = [
        f"  - id: q-generated-{index:05d}\n    kind: {'multi' if multi else 'single'}\n    difficulty: {rng.randint(1, 3)}\n",
        f"    topics: [{', '.join(rng.sample(TOPICS, 2))}]\n    source: note-generated\n    stem:\n",
        text_block(rng, "      ", 14, 30, prefix=f"({index}) "),  # numbered: no two stems alike
        "    options:\n",
    ]
    for position, key in enumerate("abcd"):
        parts.append(f'      - key: {key}\n        text: {{en: "{sentence(rng, WORDS_EN, 3, 8)}", ko: "{sentence(rng, WORDS_KO, 3, 8)}"}}\n')
        parts.append(f"        correct: {'true' if position in correct else 'false'}\n        explanation:\n")
        parts.append(text_block(rng, "          ", 18, 40))
        if position not in correct and rng.random() < 0.5:
            parts.append(f"        misconception: {rng.choice(MISCONCEPTIONS)}\n")
    parts.append(f"    cards: [{', '.join(rng.sample(CARDS, 2))}]\n")
    if rng.random() < 0.7:
        parts.append(scene(rng, "    "))
    return "".join(parts)


def write_library(folder: Path, questions: int) -> Path:
    rng = random.Random(20240601)
    taxonomy = ["kind: taxonomy", "topics:"]
    taxonomy += [f"  - {{id: {topic}, name: {{en: {topic}, ko: {topic}}}}}" for topic in TOPICS]
    taxonomy += ["sources:", "  - {id: note-generated, title: {en: Generated, ko: 생성}}", "misconceptions:"]
    taxonomy += [f"  - {{id: {item}, name: {{en: {item}, ko: {item}}}, card: {CARDS[0]}}}" for item in MISCONCEPTIONS]
    (folder / "taxonomy.yaml").write_text("\n".join(taxonomy) + "\n", encoding="utf-8")
    cards = ["kind: cards", "id: cards-generated", "title: {en: Generated, ko: 생성}", "cards:"]
    cards += [f"  - {{id: {card}, front: {{en: Front, ko: 앞}}, back: {{en: Back, ko: 뒤}}, topics: [{TOPICS[0]}]}}" for card in CARDS]
    (folder / "cards.yaml").write_text("\n".join(cards) + "\n", encoding="utf-8")
    bank = folder / "bank.yaml"
    with bank.open("w", encoding="utf-8") as stream:
        stream.write("kind: bank\nid: bank-generated\ntitle: {en: Generated, ko: 생성}\nquestions:\n")
        for index in range(questions):
            stream.write(question(rng, index))
    return bank


def best(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not getattr(yaml, "__with_libyaml__", False):
        print("PyYAML was built without libyaml: the baseline would not be libyaml", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["STUDYAPP_DATA_DIR"] = str(Path(scratch) / "data")  # no user content, no real data dir
        os.environ.pop("STUDYAPP_CONTENT", None)
        from studyapp.content import check_content

        folder = Path(scratch) / "content"
        folder.mkdir()
        bank = write_library(folder, args.questions)
        size = bank.stat().st_size

        def bare_parse():
            return yaml.load(bank.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader)

        def studyapp_load():
            return check_content([folder], bundled=False, run_scenes=False, cache_dir=None, max_bytes=None)

        def events_only():
            """libyaml's event stream, nothing built: the floor under any YAML loader."""
            parser = yaml.CSafeLoader(bank.read_bytes().decode("utf-8"))
            while parser.get_event().__class__ is not yaml.StreamEndEvent:
                pass

        bare_times, studyapp_times, event_times = [], [], []
        report = None
        for _ in range(args.repeat):  # alternate, so a busy moment on the machine hits all sides
            bare_times.append(best(bare_parse, 1)[0])
            elapsed, report = best(studyapp_load, 1)
            studyapp_times.append(elapsed)
            event_times.append(best(events_only, 1)[0])
        assert report.errors == 0 and report.questions == args.questions, [str(problem) for problem in report.problems[:5]]
        assert len(report.library.questions) == args.questions
        bare, ours = min(bare_times), min(studyapp_times)
        print(f"bank: {args.questions} questions, {size / 1048576:.1f} MiB, {report.scenes} scenes (checked, not run)")
        print(f"bare libyaml parse (yaml.load, CSafeLoader): {bare:.2f} s   best of {args.repeat}")
        print(f"studyapp load + validate (check_content):    {ours:.2f} s   best of {args.repeat}")
        print(f"ratio: {ours / bare:.2f}x (target <= 1.5x)")
        print(f"for context, libyaml's event stream alone (nothing built): {min(event_times):.2f} s; studyapp = {ours / min(event_times):.1f}x that")
        return 0 if ours / bare <= 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
