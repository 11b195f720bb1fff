"""Google's rouge-score 0.1.2 as the reference for libs/xlsum's ROUGE (tests and bench/rouge).

Reads one JSON object on stdin and writes one JSON object on stdout:
  {"pairs": [[target, prediction], ...], "stem": bool}  ->  {"scores": [{type: [p, r, f]}, ...]}
  {"words": [word, ...]}                                 ->  {"stems": [...]} (nltk's PorterStemmer as rouge-score builds it)
With "repeat": N, the pairs are scored N times and {"seconds": [...]} gives each pass's time (the scores of the last).
"""
import json
import sys
import time

from rouge_score import rouge_scorer, tokenizers

TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


def score_all(scorer, pairs):
    return [
        {k: [v.precision, v.recall, v.fmeasure] for k, v in scorer.score(target, prediction).items()}
        for target, prediction in pairs
    ]


def main():
    request = json.load(sys.stdin)
    if "words" in request:
        stemmer = tokenizers.DefaultTokenizer(use_stemmer=True)._stemmer
        json.dump({"stems": [stemmer.stem(w) for w in request["words"]]}, sys.stdout)
        return
    scorer = rouge_scorer.RougeScorer(request.get("types", TYPES), use_stemmer=bool(request.get("stem")))
    seconds = []
    scores = []
    for _ in range(int(request.get("repeat", 1))):
        started = time.perf_counter()
        scores = score_all(scorer, request["pairs"])
        seconds.append(time.perf_counter() - started)
    json.dump({"scores": scores, "seconds": seconds}, sys.stdout)


if __name__ == "__main__":
    main()
