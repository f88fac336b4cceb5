"""R's default ``set.seed()`` / ``rnorm()`` (Mersenne-Twister, Inversion), re-implemented.

Used only to rebuild the input series of NHSRplotthedots tests that draw them with
``set.seed(123); rnorm(...)``; the series are stored in ``ptd_reference.json`` and this
module checks they are what R draws (R's ``src/main/RNG.c`` and ``src/nmath/snorm.c``).
"""

from statistics import NormalDist

_N, _M = 624, 397


class RRandom:
    def __init__(self, seed: int):
        seed &= 0xFFFFFFFF
        for _ in range(50):  # initial scrambling
            seed = (69069 * seed + 1) & 0xFFFFFFFF
        state = []
        for _ in range(_N + 1):
            seed = (69069 * seed + 1) & 0xFFFFFFFF
            state.append(seed)
        self.mt = state[1:]
        self.mti = _N  # FixupSeeds sets dummy[0] = 624 after set.seed

    def _genrand(self) -> float:
        mt = self.mt
        if self.mti >= _N:
            for kk in range(_N):
                y = (mt[kk] & 0x80000000) | (mt[(kk + 1) % _N] & 0x7FFFFFFF)
                mt[kk] = mt[(kk + _M) % _N] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
            self.mti = 0
        y = mt[self.mti]
        self.mti += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        return y * 2.3283064365386963e-10

    def unif_rand(self) -> float:
        value = self._genrand()
        i2_32m1 = 2.328306437080797e-10
        if value <= 0.0:
            return 0.5 * i2_32m1
        if 1.0 - value <= 0.0:
            return 1.0 - 0.5 * i2_32m1
        return value

    def rnorm(self, n: int, mean: float = 0.0, sd: float = 1.0) -> list[float]:
        big = 134217728
        out = []
        for _ in range(n):
            u = self.unif_rand()
            u = int(big * u) + self.unif_rand()
            out.append(mean + sd * NormalDist().inv_cdf(u / big))
        return out
