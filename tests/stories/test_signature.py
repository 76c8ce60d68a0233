"""The MinHash computed in ``congdoan.stories.signature`` is datasketch's, value for value.

Signatures stored by earlier crawls (made with datasketch's ``MinHash``, scheme
affine32, seed 1) must stay comparable with the ones computed now without it.
"""

from __future__ import annotations

import random

import numpy as np
from datasketch import MinHash, MinHashLSH

from congdoan.stories import signature as sig


def _datasketch(grams: set[bytes]) -> np.ndarray:
    minhash = MinHash(num_perm=sig.NUM_PERM, seed=sig.SEED, scheme=sig.SCHEME)
    minhash.update_batch(list(grams))
    return minhash.hashvalues


def test_minhash_equals_datasketch() -> None:
    rng = random.Random(7)
    words = ["công", "đoàn", "lao", "động", "hội", "nghị", "tết", "2024", "quyết", "định"]
    for size in (12, 40, 300):
        text = " ".join(rng.choice(words) for _ in range(size))
        grams = sig.shingles("Tiêu đề", text)
        ours = sig.minhash(grams)
        assert ours.dtype == np.uint32
        assert np.array_equal(ours, _datasketch(grams))


def test_signature_bytes_unchanged() -> None:
    body = " ".join(f"từ{i}" for i in range(60))
    made = sig.signature("Hội nghị", body)
    assert made is not None
    expected = _datasketch(sig.shingles("Hội nghị", body)).astype("<u8").tobytes()
    assert made.to_bytes() == expected


def test_permutations_equal_datasketch() -> None:
    a, b = sig._permutations()
    theirs = MinHash(num_perm=sig.NUM_PERM, seed=sig.SEED, scheme=sig.SCHEME).permutations
    assert np.array_equal(a, theirs[0]) and np.array_equal(b, theirs[1])


def test_pinned_permutations_are_the_seed_s_draw() -> None:
    generator = np.random.RandomState(sig.SEED)
    a = generator.randint(0, 1 << 31, sig.NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, sig.NUM_PERM, dtype=np.uint32)
    ours = sig._permutations()
    assert ours[0].dtype == ours[1].dtype == np.uint32
    assert np.array_equal(ours[0], a) and np.array_equal(ours[1], b)


def test_band_shape_is_datasketch_choice() -> None:
    lsh = MinHashLSH(threshold=sig.CANDIDATE_JACCARD, num_perm=sig.NUM_PERM)
    assert sig.band_shape() == (lsh.b, lsh.r)


def test_band_keys_hash_each_band_with_its_number() -> None:
    import hashlib

    made = sig.signature("Hội nghị", " ".join(f"từ{i}" for i in range(60)))
    assert made is not None
    values = made.hashvalues.astype("<u8")
    expected = []
    for band in range(sig.BANDS):
        chunk = values[band * sig.ROWS:(band + 1) * sig.ROWS].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, salt=band.to_bytes(8, "little"))
        expected.append(int.from_bytes(digest.digest(), "little", signed=True))
    assert made.bands() == expected
    assert sig.signature_and_bands("Hội nghị", " ".join(f"từ{i}" for i in range(60))
                                   ).bands() == expected  # type: ignore[union-attr]


def test_record_signature_carried_or_computed() -> None:
    from concurrent.futures import Future

    from congdoan.storage.stories import SIGNATURE_KEY, record_signature

    body = " ".join(f"từ{i}" for i in range(60))
    computed = record_signature({"title": "Hội nghị", "body_text": body})
    assert computed is not None
    future: Future[sig.Signature | None] = Future()
    future.set_result(None)
    # A carried signature is taken as it is, even None (too little text).
    assert record_signature({"title": "Hội nghị", "body_text": body, SIGNATURE_KEY: future}
                            ) is None
    assert record_signature({"title": "x", SIGNATURE_KEY: computed}) is computed
