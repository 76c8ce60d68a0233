"""An article's text as a MinHash signature and its LSH band keys.

Reposts of one piece of news differ by a lead added, a source line, a body cut
short or a prefix on the title; unrelated news share boilerplate and often the
very title ("Hội nghị tổng kết năm 2024"). So the text compared is the folded
title and body (``search_fold``: case, diacritics and punctuation gone), cut in
overlapping word shingles long enough that boilerplate phrases rarely repeat.

A signature is ``NUM_PERM`` minimum hashes, datasketch's ``MinHash`` scheme
"affine32" computed here with numpy alone: importing datasketch costs a crawl
62 MB (it loads scipy for its LSH tuning), a third of the crawl's peak memory.
``tests/stories/test_signature.py`` holds the values equal to datasketch's. LSH
cuts the signature into ``BANDS`` bands of ``ROWS`` values (the split
datasketch's ``MinHashLSH`` chooses for ``CANDIDATE_JACCARD``, pinned here and
checked by the same test); each band becomes one signed 64-bit key, stored in the
database, so a later crawl finds candidates with one indexed ``IN`` lookup
instead of a pass over the corpus. Candidates are then verified on the
estimated overlap (``overlap``), which forgives a shortened repost.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

from congdoan.storage.records import search_fold

NUM_PERM = 128
SEED = 1  # fixed: signatures stored by one process are compared by another
# datasketch's name for the permutation scheme computed here: stored signatures are
# only comparable with signatures of the same scheme (datasketch 2.0 changed its default).
SCHEME = "affine32"
SHINGLE_WORDS = 7
# Candidates: pairs whose Jaccard similarity may be this or more (LSH's S-curve midpoint).
CANDIDATE_JACCARD = 0.3
# datasketch's MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=NUM_PERM) split.
BANDS, ROWS = 37, 3
# MurmurHash3's 32-bit finalizer (shifts and multipliers): mixes each shingle's hash
# once before the affine permutations, as the affine32 scheme does.
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)
# Too little text to tell news apart (a title alone): such an article stays on its own.
MIN_SHINGLES = 12


@dataclass(frozen=True)
class Signature:
    """A MinHash of an article's shingles and how many distinct shingles it had."""

    hashvalues: np.ndarray
    shingles: int

    def to_bytes(self) -> bytes:
        """The hash values as little-endian uint64 bytes (what the database holds)."""
        return self.hashvalues.astype("<u8").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, shingles: int) -> Signature:
        """The signature ``to_bytes`` wrote."""
        return cls(np.frombuffer(data, dtype="<u8").astype(np.uint64), shingles)

    def jaccard(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / NUM_PERM

    def overlap(self, other: Signature) -> float:
        """Estimated share of the smaller text found in the larger one (containment).

        From Jaccard J and the set sizes: |A∩B| = J (|A| + |B|) / (1 + J). A repost
        cut to half its source keeps an overlap near 1 while its Jaccard is 0.5.
        """
        equal = int(np.count_nonzero(self.hashvalues == other.hashvalues))
        return overlap_of(equal, self.shingles, other.shingles)

    def overlaps(self, others: bytes, shingles: list[int]) -> list[float]:
        """``overlap`` with each of many stored signatures at once (``others``: their
        ``to_bytes`` concatenated, ``shingles``: their counts in the same order).

        One numpy comparison for all of them instead of one per candidate; the
        arithmetic after the count is ``overlap``'s, so the figures are the same.
        """
        if not shingles:
            return []
        matrix = np.frombuffer(others, dtype="<u8").reshape(len(shingles), NUM_PERM)
        equal = np.count_nonzero(matrix == self.hashvalues.astype("<u8"), axis=1).tolist()
        return [overlap_of(e, self.shingles, s) for e, s in zip(equal, shingles, strict=True)]

    def bands(self) -> list[int]:
        """One signed 64-bit key per LSH band (the band's number is hashed in); computed once."""
        cached = self.__dict__.get("_bands")
        if cached is None:
            data = self.hashvalues.astype("<u8").tobytes()
            step = ROWS * 8
            cached = [int.from_bytes(hashlib.blake2b(data[band * step:(band + 1) * step],
                                                     digest_size=8, salt=salt).digest(),
                                     "little", signed=True)
                      for band, salt in enumerate(_BAND_SALTS)]
            self.__dict__["_bands"] = cached  # frozen: a cache, not a field
        return list(cached)


_BAND_SALTS = tuple(band.to_bytes(8, "little") for band in range(BANDS))


def overlap_of(equal: int, first: int, second: int) -> float:
    """Containment from the count of equal hash values and the two shingle counts."""
    j = float(equal) / NUM_PERM
    common = j * (first + second) / (1 + j)
    return min(1.0, common / max(1, min(first, second)))


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations (a odd, b) of seed ``SEED``, drawn as datasketch draws them."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer on uint32 values (multiplications wrap: modulo 2^32)."""
    s1, m1, s2, m2, s3 = _FMIX32
    values = values ^ (values >> np.uint32(s1))
    values = values * np.uint32(m1)
    values = values ^ (values >> np.uint32(s2))
    values = values * np.uint32(m2)
    return values ^ (values >> np.uint32(s3))


def minhash(grams: Iterable[bytes]) -> np.ndarray:
    """The ``NUM_PERM`` uint32 minimum hashes of ``grams`` (each SHA-1's first 4 bytes)."""
    first4 = b"".join(hashlib.sha1(gram).digest()[:4] for gram in grams)
    hashed = _fmix32(np.frombuffer(first4, dtype="<u4").astype(np.uint32)).reshape(-1, 1)
    a, b = _permutations()
    return (hashed * a + b).min(axis=0)


def band_shape() -> tuple[int, int]:
    """(bands, rows per band) of the LSH keys."""
    return BANDS, ROWS


def shingles(*parts: str | None) -> set[bytes]:
    """Word ``SHINGLE_WORDS``-grams of the folded text (the whole text if it is shorter)."""
    words = search_fold(*parts).split()
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode()
            for i in range(len(words) - SHINGLE_WORDS + 1)}


def title_overlap(first: str | None, second: str | None) -> float:
    """Share of the shorter title's folded words found in the other title; 0 when a number
    of the shorter title is missing from the other.

    A repost keeps the title's words and adds a prefix ("TLĐ: …"); two different
    pieces of news that share a body's filler paragraphs do not share a title. Numbers
    are facts: "… từ ngày 01/01/2027" is not "… từ ngày 01/7/2025", whatever the words.
    """
    a, b = title_words(first), title_words(second)
    if not a or not b:
        return 0.0
    short, other = (a, b) if len(a) <= len(b) else (b, a)
    if any(word.isdigit() and word not in other for word in short):
        return 0.0
    return len(short & other) / len(short)


@lru_cache(maxsize=1 << 16)
def title_words(title: str | None) -> frozenset[str]:
    """The folded words of a title (cached: a candidate's title is compared again and
    again while a crawl stores the articles that share its bands)."""
    return frozenset(search_fold(title).split())


def signature(title: str | None, body: str | None) -> Signature | None:
    """The signature of an article's title and body; ``None`` when there is too little text."""
    grams = shingles(title, body)
    if len(grams) < MIN_SHINGLES:
        return None
    return Signature(minhash(grams), len(grams))


def signature_and_bands(title: str | None, body: str | None) -> Signature | None:
    """``signature`` with its band keys computed already (for a worker thread)."""
    sig = signature(title, body)
    if sig is not None:
        sig.bands()
    return sig
