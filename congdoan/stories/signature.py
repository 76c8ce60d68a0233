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


# The affine permutations (a odd, b) of seed ``SEED`` as datasketch draws them
# (``RandomState(SEED)``: a = 2 * randint(0, 2^31) + 1, then b = randint(0, 2^32), each
# ``NUM_PERM`` uint32), as little-endian uint32 bytes. Pinned rather than drawn:
# numpy.random costs a crawl process ~7 MB of memory for these 1,024 bytes.
# ``tests/stories/test_signature.py`` holds them equal to datasketch's and to the draw.
_PERMUTATION_A = bytes.fromhex(
    "4be883d5d7018ffe195fce70912878ddfffd0e00138799419755cb9a0b3d82ff9f96234b81a7e078"
    "2101472f03a10ccb997f5d5f8f3c9cc6db55edb0f9f3e8560d1b25cb33fafede65c9df1329aa4fb1"
    "fda9a0d6cb6265a02517d55ea993910c17f7ad68f9410ce3d59b98c139258b753bbf050e1db39e11"
    "6584475789d4f2d3aff9a8d5afbf16ead3970c1ee38584dcefcbe047bd5bd5e0c18e6d65ad08898e"
    "1b31fb99d3af936e13fbbfef0f08039b7f2279a07b96832f2d1c7862734a4b090314b6c001efe3ba"
    "79e209caa3f185a811ea8a2bb1c5c1a81bfdfe13e734cd8b5f03f456d51f551ef3e49bc191734f57"
    "3d845a328f48a62f076b9bd78d0be3572b7f70ea63dcd5d2730afb100764256589b73d6231564a94"
    "e3438ba157f8c348990c7d5f35980e91690e54aba14a38d3db145d09e7e67e1153ea1280a5db803f"
    "1f004cfa81d83e5289910f7f3360d498df5a968fc5bd6be4af6b1c940f4fba71350ada3433fd8f25"
    "d14c52e52d0840f0136e33d1877d3d31cf975496fd8886ce2f4a5793fbda2d3dc91a93423781b20c"
    "4b77ea0973a2d02aa754905b4dd96ed511855a6c414a26d245bbf587155e0d992f7aaffb1f0d352b"
    "df55521baf38bf2133bef2258f1f563ae701204bb90abfe99574b92d7d099f855dba466641a74776"
    "b12d65342f2920116f25ffd3834a5ee6e36a88639b4e72fc074e0fd40197c914"
)
_PERMUTATION_B = bytes.fromhex(
    "f8bfc90cfdd4f6c3cd81308906c79b0b3472eea9d5d1d423c6c5cf8302f6daca4cf6d0f1db0fa107"
    "95782896cb8214e2075945e74d18718ac88a31234bd4ae724c9da7232b0463e41432b1ce1e5ea960"
    "2426ce656733d68907a7542a2d0ffda6c43371ed399a7b5cf02e0759fc9d2d92d23835c0604049a3"
    "0d01dbb90a2c5620175920e27c3fb1b051fba89f87e7d2a579c33dc098c09b5aca665159dc3d63c3"
    "94fe1945a0a9455b8ccc58e5c1bcb6c05e62976d3c9e9fe1e9c1fff698c0fc02524dd7a97313847f"
    "6173279f8208e412ecfd5f1ddca675c967ba11f362b766100a712d73b69ef55a60571194e9391cf1"
    "52a77b68d6c93a61c6ccad3cc2ba4ec347e143e7e73f87c5b0a8dc9236f6254d0f1cbc00853bd2c5"
    "9135fd9daa68262714009f53765a2194b047ed8616594e02e519cde28dcf83b5f107765b72ea7b78"
    "61c295e8b556bcc35487949f0a0ca77760dc0c04b740dd443d99efed38cee9d4d99edeb095a1238d"
    "e78c50ff60dcf011f9811e2cd31ff47819541b23f1d525be8e93beee8d082431d4ac62b2741edd76"
    "2b63e510860ef93acd0666c1b8821c82bb07fec08fbb643518564becfb339f0c897c26b6c221d484"
    "c738d01f356f1a2c45dd1605a4c9746565c3b506f84a7c1b15183f0728ed82824db0073fdb88251a"
    "b1ca2adc7169e9492fd5f089cd85543ba8bd858dce15b9f72d568fd757e73f47"
)


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations (a odd, b) of seed ``SEED``, as datasketch draws them."""
    return (np.frombuffer(_PERMUTATION_A, dtype="<u4").astype(np.uint32),
            np.frombuffer(_PERMUTATION_B, dtype="<u4").astype(np.uint32))


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
