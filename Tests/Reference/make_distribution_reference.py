#!/usr/bin/env python3
"""Reference values for the probability distributions in Sources/Distributions.

Writes Tests/DistributionsTests/Reference/distributions.json: a list of cases

    {"dist": "t" | "f" | "normal" | "chi2", "params": [...], "fn": "cdf" | "sf" | "ppf" | "isf",
     "x": <argument>, "expected": <value>, "source": "scipy" | "mpmath"}

Every value is computed twice: with scipy.stats and with mpmath at 60 significant digits
(incomplete beta/gamma functions; quantiles by Newton iteration on the log of the tail
probability, to ~1e-40). The scipy value is recorded when it agrees with the mpmath value to
1e-14 relative; otherwise (scipy inaccurate, overflowing or underflowing, typically in the far
tails) the correctly rounded mpmath value is recorded with "source": "mpmath".

Parameters: t: [df]; chi2: [df]; f: [dfn, dfd]; normal: [mean, sd].
Cases whose true value is below 1e-300 in magnitude (or infinite) are omitted.

Usage (from the package root):  python3 Tests/Reference/make_distribution_reference.py
Requires scipy and mpmath.
"""
import json
import math
import os
import sys

import mpmath as mp
import numpy as np
from scipy import stats

mp.mp.dps = 60
AGREEMENT = 1e-14
TINY = 1e-300

# ---------------------------------------------------------------------------------------------
# mpmath reference implementations (arguments are Python floats, converted exactly)
# ---------------------------------------------------------------------------------------------

HALF = mp.mpf(1) / 2


def M(v):
    return mp.mpf(v)


def lower_gamma_series(a, x):
    """P(a, x) for x <= a (positive-term series, no cancellation)."""
    s = mp.mpf(1)
    term = mp.mpf(1)
    n = 1
    eps = mp.mpf(10) ** (-mp.mp.dps - 5)
    while True:
        term *= x / (a + n)
        s += term
        if term < eps * s:
            break
        n += 1
    return mp.exp(a * mp.log(x) - x - mp.loggamma(a + 1)) * s


def upper_gamma_cf(a, x):
    """Q(a, x) for x > a by Legendre's continued fraction (modified Lentz)."""
    tiny = mp.mpf(10) ** (-500)
    eps = mp.mpf(10) ** (-mp.mp.dps - 5)
    f = x + 1 - a
    c = f
    d = mp.mpf(0)
    for i in range(1, 10 ** 7):
        an = -i * (i - a)
        bn = x + 1 - a + 2 * i
        d = bn + an * d
        d = 1 / (d if d != 0 else tiny)
        c = bn + an / c
        if c == 0:
            c = tiny
        delta = c * d
        f *= delta
        if abs(delta - 1) < eps:
            return mp.exp(a * mp.log(x) - x - mp.loggamma(a)) / f
    raise RuntimeError("upper_gamma_cf did not converge")


def gamma_pq(a, x):
    """(P(a, x), Q(a, x))."""
    if x <= a:
        p = lower_gamma_series(a, x)
        return p, 1 - p
    try:
        q = mp.gammainc(a, x, mp.inf, regularized=True)
    except (mp.libmp.libhyper.NoConvergence, ValueError):
        q = upper_gamma_cf(a, x)
    return 1 - q, q


def beta_cf(a, b, x, y):
    """I_x(a, b) by the continued fraction (modified Lentz), for x < (a + 1)/(a + b + 2)."""
    tiny = mp.mpf(10) ** (-500)
    eps = mp.mpf(10) ** (-mp.mp.dps - 5)
    front = mp.exp(a * mp.log(x) + b * mp.log(y) - mp.log(a) - (mp.loggamma(a) + mp.loggamma(b)
                                                                   - mp.loggamma(a + b)))
    f = mp.mpf(1)
    c = mp.mpf(1)
    d = 1 - (a + b) * x / (a + 1)
    d = 1 / (d if d != 0 else tiny)
    f = d
    for m in range(1, 10 ** 7):
        num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1 + num * d
        d = 1 / (d if d != 0 else tiny)
        c = 1 + num / c
        f *= c * d
        num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1 + num * d
        d = 1 / (d if d != 0 else tiny)
        c = 1 + num / c
        delta = c * d
        f *= delta
        if abs(delta - 1) < eps:
            return front * f
    raise RuntimeError("beta_cf did not converge")


def betainc_lower(a, b, x, y):
    """I_x(a, b), x + y = 1, computed on the side where it is at most about 1/2."""
    try:
        return mp.betainc(a, b, 0, x, regularized=True)
    except (mp.libmp.libhyper.NoConvergence, ValueError):
        return beta_cf(a, b, x, y)


def beta_pq(a, b, x, y):
    """(I_x(a, b), 1 - I_x(a, b)) with x + y = 1 (exact mp numbers)."""
    if x * (a + b + 2) <= a + 1:
        w = betainc_lower(a, b, x, y)
        return w, 1 - w
    w1 = betainc_lower(b, a, y, x)
    return 1 - w1, w1


class TDist:
    name = "t"

    def __init__(self, df):
        self.params = [df]
        self.df = M(df)
        self.frozen = stats.t(df)

    def tail(self, t):
        """(sf(t), cdf(t)) for t >= 0 (mp)."""
        df = self.df
        x = df / (df + t * t)
        y = t * t / (df + t * t)
        w, w1 = beta_pq(df / 2, HALF, x, y)
        return w / 2, HALF + w1 / 2

    def sf(self, t):
        t = M(t)
        if t >= 0:
            return self.tail(t)[0]
        return self.tail(-t)[1]

    def cdf(self, t):
        return self.sf(-M(t))

    def logpdf(self, t):
        df = self.df
        return (mp.loggamma((df + 1) / 2) - mp.loggamma(df / 2) - mp.log(df * mp.pi) / 2
                - (df + 1) / 2 * mp.log1p(t * t / df))

    def isf(self, q, start):
        q = M(q)
        if q == HALF:
            return mp.mpf(0)
        if q > HALF:
            return -self.isf(1 - q, -start if start is not None else None)
        # t > 0 with sf(t) = q
        guess = start if (start is not None and math.isfinite(start) and start > 0) else None
        if guess is None:
            df = self.df
            lnb = mp.log(mp.beta(df / 2, HALF))
            guess = mp.exp(((df / 2 - 1) * mp.log(df) - lnb - mp.log(q)) / df)
            z = mp.sqrt(2) * mp.erfinv(1 - 2 * q) if q > 1e-300 else mp.sqrt(-2 * mp.log(q))
            guess = min(guess, z * (1 + (z * z + 1) / (4 * df))) if df > 10 else guess
        return newton_log(lambda t: self.sf(t), lambda t: -mp.exp(self.logpdf(t)) * t, q, M(guess))

    def ppf(self, p, start):
        return -self.isf(p, -start if start is not None else None)


class PositiveQuantiles:
    """Quantiles of a distribution on x > 0 (chi-square, F): Newton's method in (log x, log F) on
    the cdf or the sf, whichever probability is the smaller, from the subclass's `guess`."""

    def solve(self, lower_prob, upper_prob, start):
        """x with cdf(x) = lower_prob = 1 - upper_prob (the smaller one is used)."""
        g = self.guess(upper_prob, lower_prob, start)
        if lower_prob <= HALF:
            return newton_log(self.cdf, lambda x: mp.exp(self.logpdf(x)) * x, lower_prob, g)
        return newton_log(self.sf, lambda x: -mp.exp(self.logpdf(x)) * x, upper_prob, g)

    def ppf(self, p, start):
        return self.solve(M(p), 1 - M(p), start)

    def isf(self, q, start):
        return self.solve(1 - M(q), M(q), start)


class Chi2Dist(PositiveQuantiles):
    name = "chi2"

    def __init__(self, df):
        self.params = [df]
        self.df = M(df)
        self.frozen = stats.chi2(df)

    def cdf(self, x):
        x = M(x)
        if x <= 0:
            return mp.mpf(0)
        return gamma_pq(self.df / 2, x / 2)[0]

    def sf(self, x):
        x = M(x)
        if x <= 0:
            return mp.mpf(1)
        return gamma_pq(self.df / 2, x / 2)[1]

    def logpdf(self, x):
        k = self.df
        return (k / 2 - 1) * mp.log(x) - x / 2 - k / 2 * mp.log(2) - mp.loggamma(k / 2)

    def guess(self, upper_prob, lower_prob, start):
        if start is not None and math.isfinite(start) and start > 0:
            return M(start)
        k = self.df
        if upper_prob < HALF:
            return max(k, -2 * mp.log(upper_prob))
        return mp.exp((mp.log(lower_prob) + mp.loggamma(k / 2 + 1)) / (k / 2)) * 2


class FDist(PositiveQuantiles):
    name = "f"

    def __init__(self, dfn, dfd):
        self.params = [dfn, dfd]
        self.d1 = M(dfn)
        self.d2 = M(dfd)
        self.frozen = stats.f(dfn, dfd)

    def pq(self, x):
        d1, d2 = self.d1, self.d2
        x = M(x)
        u = d1 * x / (d1 * x + d2)
        v = d2 / (d1 * x + d2)
        return beta_pq(d1 / 2, d2 / 2, u, v)

    def cdf(self, x):
        if M(x) <= 0:
            return mp.mpf(0)
        return self.pq(x)[0]

    def sf(self, x):
        if M(x) <= 0:
            return mp.mpf(1)
        return self.pq(x)[1]

    def logpdf(self, x):
        d1, d2 = self.d1, self.d2
        return (d1 / 2 * mp.log(d1) + d2 / 2 * mp.log(d2) + (d1 / 2 - 1) * mp.log(x)
                - (d1 + d2) / 2 * mp.log(d2 + d1 * x) - mp.log(mp.beta(d1 / 2, d2 / 2)))

    def guess(self, upper_prob, lower_prob, start):
        if start is not None and math.isfinite(start) and start > 0:
            return M(start)
        a, b = self.d1 / 2, self.d2 / 2
        lnb = mp.log(mp.beta(a, b))
        if upper_prob < HALF:
            lny = (mp.log(upper_prob) + mp.log(b) + lnb) / b
            y = mp.exp(lny)
            return (self.d2 / self.d1) * (1 - y) / y
        lnx = (mp.log(lower_prob) + mp.log(a) + lnb) / a
        x = mp.exp(lnx)
        return (self.d2 / self.d1) * x / (1 - x)


class NormalDist:
    name = "normal"

    def __init__(self, mean=0.0, sd=1.0):
        self.params = [mean, sd]
        self.mean = M(mean)
        self.sd = M(sd)
        self.frozen = stats.norm(mean, sd)

    def sf(self, x):
        z = (M(x) - self.mean) / self.sd
        return mp.erfc(z / mp.sqrt(2)) / 2

    def cdf(self, x):
        z = (M(x) - self.mean) / self.sd
        return mp.erfc(-z / mp.sqrt(2)) / 2

    def isf(self, q, start):
        q = M(q)
        if q == HALF:
            return self.mean
        if q > HALF:
            return 2 * self.mean - self.isf(1 - q, None)
        sf_std = lambda z: mp.erfc(z / mp.sqrt(2)) / 2
        dsf = lambda z: -mp.exp(-z * z / 2) / mp.sqrt(2 * mp.pi) * z
        guess = mp.sqrt(-2 * mp.log(q)) if q < 0.3 else mp.mpf(0.5)
        z = newton_log(sf_std, dsf, q, guess)
        return self.mean + self.sd * z

    def ppf(self, p, start):
        return 2 * self.mean - self.isf(p, None)


def newton_log(F, dF_dlogx, target, x0):
    """Solve F(x) = target for x > 0 by Newton's method in (log x, log F)."""
    lt = mp.log(target)
    u = mp.log(x0)
    for _ in range(500):
        x = mp.exp(u)
        f = F(x)
        if f <= 0:
            # underflow: step towards the bulk
            u += -1 if dF_dlogx(x) < 0 else 1
            continue
        h = mp.log(f) - lt
        slope = dF_dlogx(x) / f
        step = -h / slope
        if abs(step) > 5:
            step = 5 if step > 0 else -5
        u += step
        if abs(step) < mp.mpf(10) ** -45:
            return mp.exp(u)
    raise RuntimeError("no convergence: target=%s x0=%s" % (target, x0))


# ---------------------------------------------------------------------------------------------
# Grids
# ---------------------------------------------------------------------------------------------

PROBS = [1e-300, 1e-250, 1e-200, 1e-150, 1e-100, 1e-50, 1e-30, 1e-20, 1e-15, 1e-12, 1e-10, 1e-8,
         1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.45, 0.49, 0.5,
         0.51, 0.55, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-4, 1 - 1e-5,
         1 - 1e-6, 1 - 1e-8, 1 - 1e-10, 1 - 1e-12, 1 - 1e-15]

T_DF = [0.5, 1, 2, 2.5, 3, 5, 7.3, 10, 30, 100, 1e3, 1e4, 1e6, 1e8, 1e10]
T_X = [0.0, 1e-10, 1e-5, 0.001, 0.01, 0.1, 0.3, 0.5, 0.8, 1, 1.3, 1.5, 1.96, 2, 2.5, 3, 4, 5,
       6, 8, 10, 15, 20, 30, 37, 37.5, 50, 100, 300, 1e3, 1e4, 1e5, 1e6, 1e8, 1e10, 1e15,
       1e20, 1e30, 1e60, 1e100, 1e200, 1e300]

CHI2_DF = [0.5, 1, 2, 2.5, 3, 5, 7.3, 10, 30, 100, 1e3, 1e4, 1e6, 1e8]

F_PAIRS = [(1, 1), (1, 10), (2, 2), (2.5, 7.3), (3, 50), (5, 2), (10, 1e6), (50, 3), (20, 20),
           (30, 1e3), (100, 100), (1e3, 1e3), (1e4, 1e4), (1e6, 10), (1e6, 1e6)]
F_X = [1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-10, 1e-5, 1e-3, 0.01, 0.1, 0.3, 0.5, 0.8, 0.95, 0.98, 1.02, 1.05,
       0.9, 0.99, 1, 1.01, 1.1, 1.2, 1.5, 2, 3, 5, 10, 30, 100, 1e3, 1e4, 1e6, 1e10, 1e20,
       1e50, 1e100, 1e200, 1e300]

NORMAL_X = [0.0, 1e-10, 1e-5, 0.01, 0.1, 0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 25, 30,
            35, 37, 37.5]


def chi2_grid(df):
    xs = set([1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 1e-3, 0.01, 0.1, 0.5, 1, 2, 3, 5, 10, 20, 50,
              100, 200, 500, 1000, 1400, 1e4, 1e5])
    s = math.sqrt(2 * df)
    for c in [-40, -20, -10, -5, -3, -2, -1, -0.5, -0.1, -0.01, 0, 0.01, 0.1, 0.5, 1, 2, 3, 5,
              10, 20, 30, 37, 40]:
        v = df + c * s
        if v > 0:
            xs.add(float(v))
    for f in [0.01, 0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.05, 1.1, 1.2, 1.3, 1.5, 2, 3, 5, 10]:
        xs.add(float(df * f))
    return sorted(xs)


# ---------------------------------------------------------------------------------------------

def rel(a, b):
    if a == b:
        return 0.0
    if not (math.isfinite(a) and math.isfinite(b)) or b == 0:
        return math.inf
    return abs(a - b) / abs(b)


def scipy_value(dist, fn, x):
    with np.errstate(all="ignore"):
        try:
            v = float(getattr(dist.frozen, fn)(x))
        except Exception:
            return math.nan
    return v


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "DistributionsTests", "Reference", "distributions.json")
    cases = []
    stats_count = {"scipy": 0, "mpmath": 0}

    def add(dist, fn, x, exact):
        expected = float(exact)
        if not math.isfinite(expected) or (expected != 0 and abs(expected) < TINY):
            return
        if expected == 0 and exact != 0:
            return
        s = scipy_value(dist, fn, x)
        if rel(s, expected) <= AGREEMENT:
            value, source = s, "scipy"
        else:
            value, source = expected, "mpmath"
        stats_count[source] += 1
        cases.append({"dist": dist.name, "params": dist.params, "fn": fn, "x": x,
                      "expected": value, "source": source})

    def add_quantiles(dist):
        for p in PROBS:
            for fn in ("ppf", "isf"):
                start = scipy_value(dist, fn, p)
                try:
                    exact = getattr(dist, fn)(p, start if math.isfinite(start) else None)
                except RuntimeError as e:
                    print("skip", dist.name, dist.params, fn, p, e, file=sys.stderr)
                    continue
                add(dist, fn, p, exact)

    for df in T_DF:
        d = TDist(df)
        for x in T_X:
            for xx in ([x, -x] if x != 0 else [0.0]):
                add(d, "cdf", xx, d.cdf(xx))
                add(d, "sf", xx, d.sf(xx))
        add_quantiles(d)
        print("t", df, len(cases), file=sys.stderr)

    for df in CHI2_DF:
        d = Chi2Dist(df)
        for x in chi2_grid(df):
            add(d, "cdf", x, d.cdf(x))
            add(d, "sf", x, d.sf(x))
        add_quantiles(d)
        print("chi2", df, len(cases), file=sys.stderr)

    for dfn, dfd in F_PAIRS:
        d = FDist(dfn, dfd)
        for x in F_X:
            add(d, "cdf", x, d.cdf(x))
            add(d, "sf", x, d.sf(x))
        add_quantiles(d)
        print("f", dfn, dfd, len(cases), file=sys.stderr)

    for mean, sd in [(0.0, 1.0), (3.0, 2.0), (-1.5, 0.25)]:
        d = NormalDist(mean, sd)
        for z in NORMAL_X:
            for zz in ([z, -z] if z != 0 else [0.0]):
                x = mean + sd * zz
                add(d, "cdf", x, d.cdf(x))
                add(d, "sf", x, d.sf(x))
        add_quantiles(d)
        print("normal", mean, sd, len(cases), file=sys.stderr)

    with open(out, "w") as f:
        json.dump(cases, f, separators=(",", ":"))
        f.write("\n")
    print("wrote %d cases (%s) to %s" % (len(cases), stats_count, os.path.normpath(out)), file=sys.stderr)


if __name__ == "__main__":
    main()
