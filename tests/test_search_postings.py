"""app/search/postings.py: the bisecting skip_to lands where the definition says, block edges included."""

import random

from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from app.search import postings  # noqa: F401 - installs the faster skip_to


def test_skip_to_finds_the_first_posting_at_or_after_the_target():
    rng = random.Random(5)
    ix = RamStorage().create_index(Schema(key=ID(stored=True), body=TEXT))
    writer = ix.writer()
    for n in range(3000):  # many blocks of postings (128 each), with gaps
        writer.add_document(key=str(n), body="common " + ("rare" if rng.random() < 0.3 else "other"))
    writer.commit()
    with ix.searcher() as searcher:
        for word in ("common", "rare"):
            every = list(searcher.postings("body", word).all_ids())
            for _ in range(200):
                matcher = searcher.postings("body", word)
                position = 0
                for target in sorted(rng.sample(range(3100), 6)):
                    while position < len(every) and every[position] < target:
                        position += 1
                    if position == len(every):
                        if matcher.is_active():
                            matcher.skip_to(target)
                        assert not matcher.is_active()
                        break
                    matcher.skip_to(target)
                    assert matcher.is_active() and matcher.id() == every[position]
