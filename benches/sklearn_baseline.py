"""The scikit-learn intent classifier a Rasa or Dialogflow user would reach for, timed on the
same work netral's classifier does: one question at a time, in one process.

TF-IDF over word 1-2-grams and char_wb 2-5-grams (sublinear tf) + multinomial logistic
regression, trained on the knowledge's phrasings (`netral kb export --json`), then
`predict_proba` for each question of a labelled set, one call per question as a bot gets them.

    pip install scikit-learn
    cargo run --release -- kb export --json > /tmp/kb.json
    python3 benches/sklearn_baseline.py /tmp/kb.json tests/data/blind-fit.tsv

Prints the median and p99 time per question and its top-1 accuracy on the in-scope questions.
Figures and the comparison with `cargo bench --bench matcher` are in BENCHMARKS.md.
"""

import json
import statistics
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union


def main() -> None:
    entries = json.load(open(sys.argv[1], encoding="utf-8"))
    texts, labels = [], []
    for e in entries:
        for q in [e["title"], *e.get("questions", [])]:
            texts.append(q)
            labels.append(e["id"])
    model = make_pipeline(
        make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        ),
        LogisticRegression(C=10.0, max_iter=300),
    )
    model.fit(texts, labels)
    cases = []
    for line in open(sys.argv[2], encoding="utf-8"):
        if line.startswith("#") or "\t" not in line:
            continue
        q, ids = line.rstrip("\n").rsplit("\t", 1)
        cases.append((q, ids.split("|") if ids != "-" else []))
    times, right, in_scope = [], 0, 0
    for _ in range(3):  # warm up
        model.predict_proba([cases[0][0]])
    for q, accepted in cases:
        t0 = time.perf_counter()
        p = model.predict_proba([q])[0]
        times.append(time.perf_counter() - t0)
        if accepted:
            in_scope += 1
            right += model.classes_[p.argmax()] in accepted
    times.sort()
    print(f"questions: {len(cases)}")
    print(f"median per question: {statistics.median(times) * 1e6:.0f} µs")
    print(f"p99 per question:    {times[int(len(times) * 0.99)] * 1e6:.0f} µs")
    print(f"in-scope top-1:      {right / max(in_scope, 1):.3f}")


if __name__ == "__main__":
    main()
