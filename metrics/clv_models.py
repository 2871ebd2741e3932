"""BG/NBD and Gamma-Gamma models, fitted by maximum likelihood. Pure numpy/scipy, no SQL.

References (docs/metrics/clv.md):
- Fader, Hardie & Lee (2005), "Counting Your Customers" the Easy Way: An Alternative to the
  Pareto/NBD Model. Marketing Science 24(2). Equations (6), (10) and the P(alive) expression.
- Fader, Hardie & Lee (2005), RFM and CLV: Using Iso-Value Curves for Customer Base Analysis.
  Journal of Marketing Research 42(4); Hardie's note "The Gamma-Gamma Model of Monetary Value".

Inputs per customer: ``frequency`` x (repeat purchases), ``recency`` t_x and ``T`` (age), in one
time unit, and ``monetary_value`` (mean value of the repeat purchases).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.special import betaln, digamma, gammaln, hyp2f1

from ingest.errors import InputError

# Fewest customers with a repeat purchase a fit is attempted on; below it the estimates are noise.
DEFAULT_MIN_REPEAT_CUSTOMERS = 10
# Parameters are searched as logs within these bounds so a degenerate data set cannot overflow.
_LOG_BOUNDS = (-12.0, 12.0)


class NotEnoughData(InputError):
    """The filtered data cannot support a model fit (too few customers or repeat customers)."""


@dataclass(frozen=True)
class BGNBDFit:
    """Fitted BG/NBD: purchase rate ~ Gamma(r, alpha), dropout probability ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int


@dataclass(frozen=True)
class GammaGammaFit:
    """Fitted Gamma-Gamma: spend per purchase ~ Gamma(p, nu), nu ~ Gamma(q, gamma)."""

    p: float
    q: float
    gamma: float
    log_likelihood: float
    customers: int


def _arrays(frame: pd.DataFrame, *columns: str) -> list[np.ndarray]:
    return [frame[c].to_numpy(dtype="float64") for c in columns]


def _grouped(frame: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Identical customers collapsed to one row with a weight: the likelihood is a weighted sum."""
    counts = frame.groupby(columns, sort=False).size().reset_index(name="weight")
    return counts, counts["weight"].to_numpy(dtype="float64")


# --- BG/NBD -------------------------------------------------------------------------------


def bgnbd_log_likelihood(r: float, alpha: float, a: float, b: float, x, t_x, T) -> np.ndarray:
    """Each customer's log-likelihood, equation (6) of the BG/NBD paper, in log space.

    L = B(a, b+x)/B(a, b) * G(r+x) a^r / (G(r) (alpha+T)^(r+x))
        + [x > 0] B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))
    """
    x, t_x, T = (np.asarray(v, dtype="float64") for v in (x, t_x, T))
    return _bgnbd_terms(np.log([r, alpha, a, b]), x, t_x, T)[0]


def _distinct(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values of x, each customer's index among them): purchase counts take few values,
    so the special functions of x alone are evaluated once per value, not once per customer."""
    return np.unique(x, return_inverse=True)


def _bgnbd_terms(log_params, x, t_x, T, gradient: bool = False, distinct=None):
    r, alpha, a, b = np.exp(log_params)
    ux, at = _distinct(x) if distinct is None else distinct
    repeat = x > 0
    # The second term exists only for repeat customers; b+x-1 > 0 there.
    ux_rep = np.where(ux > 0, ux, 1.0)
    log_t, log_tx = np.log(alpha + T), np.log(alpha + t_x)
    a1 = (gammaln(r + ux) - gammaln(r))[at] + r * np.log(alpha)
    a2 = (betaln(a, b + ux) - betaln(a, b))[at] - (r + x) * log_t
    a3 = np.where(repeat, (betaln(a + 1, b + ux_rep - 1) - betaln(a, b))[at] - (r + x) * log_tx,
                  -np.inf)
    both = np.logaddexp(a2, a3)
    ll = a1 + both
    if not gradient:
        return ll, None
    w2 = np.exp(a2 - both)
    w3 = 1.0 - w2
    psi_ab, psi_abx = digamma(a + b), digamma(a + b + ux)[at]
    d_r = (digamma(r + ux)[at] - digamma(r) + np.log(alpha) - w2 * log_t - w3 * log_tx)
    d_alpha = r / alpha - w2 * (r + x) / (alpha + T) - w3 * (r + x) / (alpha + t_x)
    d_a = (w2 * (psi_ab - psi_abx)
           + w3 * (digamma(a + 1) - psi_abx - digamma(a) + psi_ab))
    d_b = (w2 * (digamma(b + ux)[at] - psi_abx - digamma(b) + psi_ab)
           + w3 * (digamma(b + ux_rep - 1)[at] - psi_abx - digamma(b) + psi_ab))
    # Chain rule: the optimiser works on log-parameters.
    return ll, (d_r * r, d_alpha * alpha, d_a * a, d_b * b)


def _weighted_sums(grads, weight) -> np.ndarray:
    """sum(g * weight) for each gradient g. Elementwise on purpose: a BLAS dot product wakes
    OpenBLAS's threads, which spin against the database's on a busy two-core machine."""
    return np.array([float(np.sum(g * weight)) for g in grads])


def _bgnbd_objective(log_params, x, t_x, T, weight, distinct=None):
    ll, grads = _bgnbd_terms(log_params, x, t_x, T, gradient=True, distinct=distinct)
    total = float(np.sum(weight * ll))
    if not np.isfinite(total):
        return 1e300, np.zeros(4)
    return -total, -_weighted_sums(grads, weight)


def _check_counts(customers: int, repeat: int, min_repeat: int, model: str) -> None:
    if repeat < min_repeat:
        raise NotEnoughData(
            f"{model} needs at least {min_repeat} customers with a repeat purchase; "
            f"the filtered data has {repeat} (of {customers} customers)")


def fit_bgnbd(frame: pd.DataFrame, min_repeat_customers: int = DEFAULT_MIN_REPEAT_CUSTOMERS
              ) -> BGNBDFit:
    """Maximum-likelihood BG/NBD on a frame with columns frequency, recency, T (one row a customer).

    Raises NotEnoughData when fewer than ``min_repeat_customers`` have frequency > 0.
    """
    data = frame[["frequency", "recency", "T"]].astype("float64")
    if ((data["frequency"] < 0) | (data["recency"] < 0) | (data["recency"] > data["T"])).any():
        raise ValueError("BG/NBD needs frequency >= 0 and 0 <= recency <= T for every customer")
    _check_counts(len(data), int((data["frequency"] > 0).sum()), min_repeat_customers, "BG/NBD")
    grouped, weight = _grouped(data, ["frequency", "recency", "T"])
    x, t_x, T = _arrays(grouped, "frequency", "recency", "T")
    # Start from the paper's neighbourhood, scaled to the data's time unit.
    start = np.log([0.5, max(float(np.average(T, weights=weight)) / 10, 1e-3), 1.0, 1.0])
    result = optimize.minimize(_bgnbd_objective, start, args=(x, t_x, T, weight, _distinct(x)),
                               jac=True,
                               method="L-BFGS-B", bounds=[_LOG_BOUNDS] * 4,
                               options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-8})
    if not np.isfinite(result.fun) or result.fun >= 1e300:
        raise NotEnoughData("BG/NBD could not be fitted to the filtered data")
    r, alpha, a, b = np.exp(result.x)
    return BGNBDFit(float(r), float(alpha), float(a), float(b), float(-result.fun), len(data))


def bgnbd_p_alive(fit: BGNBDFit, x, t_x, T) -> np.ndarray:
    """P(still active at T | x, t_x, T) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))."""
    x, t_x, T = (np.asarray(v, dtype="float64") for v in (x, t_x, T))
    log_odds = (np.log(fit.a) - np.log(fit.b + np.where(x > 0, x, 1.0) - 1)
                + (fit.r + x) * (np.log(fit.alpha + T) - np.log(fit.alpha + t_x)))
    return np.where(x > 0, 1.0 / (1.0 + np.exp(log_odds)), 1.0)


def bgnbd_expected_purchases(fit: BGNBDFit, t, x, t_x, T) -> np.ndarray:
    """E[purchases in (T, T+t] | x, t_x, T], equation (10) of the BG/NBD paper.

    The hypergeometric term is computed through Euler's transformation,
    2F1(r+x, b+x; c; z) (1-z)^(r+x) = (1-z)^(a-1) 2F1(a+b-1-r, a-1; c; z) with c = a+b+x-1,
    whose arguments do not grow with x, so heavy buyers do not overflow.
    """
    t, x, t_x, T = (np.asarray(v, dtype="float64") for v in (t, x, t_x, T))
    numerator = (fit.a + fit.b + x - 1) / (fit.a - 1) * (1 - _tail(fit, t, x, T))
    return numerator * bgnbd_p_alive(fit, x, t_x, T)


def bgnbd_expected_purchases_at(fit: BGNBDFit, horizons, x, t_x, T) -> np.ndarray:
    """``bgnbd_expected_purchases`` for each horizon: one row per horizon, one column per customer.

    The hypergeometric term depends on (x, T) only, which many customers share, so it is
    evaluated once per distinct pair.
    """
    x, t_x, T = (np.asarray(v, dtype="float64").ravel() for v in (x, t_x, T))
    # Each (x, T) pair as one exact complex number: hashed once, no sort.
    inverse, pairs = pd.factorize(x + 1j * T)
    ux, uT = pairs.real, pairs.imag
    scale = (fit.a + fit.b + x - 1) / (fit.a - 1) * bgnbd_p_alive(fit, x, t_x, T)
    rows = [scale * (1 - _tail(fit, float(t), ux, uT)[inverse]) for t in np.ravel(horizons)]
    return np.vstack(rows) if rows else np.empty((0, len(x)))


def _tail(fit: BGNBDFit, t, x, T) -> np.ndarray:
    """((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z), through Euler's transformation."""
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    z = t / (alpha + T + t)
    return (1 - z) ** (a - 1) * _hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)


# Largest bound on the ratio of successive 2F1 terms for which the plain series is summed here.
_SERIES_RATIO = 0.1
_SERIES_TERMS = 20  # 0.1^20 is far below double precision


def _hyp2f1(A, B, C, z) -> np.ndarray:
    """scipy's hyp2f1, except where the power series sum_k (A)_k (B)_k / ((C)_k k!) z^k provably
    shrinks tenfold each term: there it is summed directly (scipy's general algorithm takes
    ~20 us a value when |A| is in the thousands, as fits that run to their bounds give).

    For C > 0 and k >= 0 the term ratio |(A+k)(B+k) / ((C+k)(k+1))| |z| is at most
    |z| max(|A|/C, 1) max(|B|, 1) and at most |z| max(|A|, 1) max(|B|/C, 1).
    """
    A, B, C, z = np.broadcast_arrays(*(np.asarray(v, dtype="float64") for v in (A, B, C, z)))
    positive_c = C > 0
    safe_c = np.where(positive_c, C, 1.0)
    bound = np.abs(z) * np.minimum(np.maximum(np.abs(A) / safe_c, 1) * np.maximum(np.abs(B), 1),
                                   np.maximum(np.abs(A), 1) * np.maximum(np.abs(B) / safe_c, 1))
    series = positive_c & (bound <= _SERIES_RATIO)
    out = np.empty(A.shape)
    if not series.all():
        rest = ~series
        out[rest] = hyp2f1(A[rest], B[rest], C[rest], z[rest])
    if series.any():
        a_, b_, c_, z_ = A[series], B[series], C[series], z[series]
        term, total = np.ones(a_.shape), np.ones(a_.shape)
        for k in range(_SERIES_TERMS):
            term = term * (a_ + k) * (b_ + k) / ((c_ + k) * (k + 1)) * z_
            total += term
        out[series] = total
    return out


def bgnbd_expected_purchases_new(fit: BGNBDFit, t) -> np.ndarray:
    """E[X(t)] for a new customer, equation (7): (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]."""
    t = np.asarray(t, dtype="float64")
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))


# --- Gamma-Gamma --------------------------------------------------------------------------


def gamma_gamma_log_likelihood(p: float, q: float, gamma: float, x, m) -> np.ndarray:
    """Each repeat customer's log-likelihood of mean spend m over x purchases (Hardie's note, eq. 3).

    f(m | p, q, gamma, x) = G(px+q) / (G(px) G(q)) * gamma^q m^(px-1) x^(px) / (gamma + m x)^(px+q)
    """
    x, m = (np.asarray(v, dtype="float64") for v in (x, m))
    return _gg_terms(np.log([p, q, gamma]), x, m)[0]


def _gg_terms(log_params, x, m, gradient: bool = False, distinct=None):
    p, q, gamma = np.exp(log_params)
    ux, at = _distinct(x) if distinct is None else distinct
    px = p * x
    log_total = np.log(gamma + m * x)
    ll = ((gammaln(p * ux + q) - gammaln(p * ux))[at] - gammaln(q) + q * np.log(gamma)
          + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * log_total)
    if not gradient:
        return ll, None
    psi = digamma(p * ux + q)
    d_p = x * ((psi - digamma(p * ux))[at] + np.log(m) + np.log(x) - log_total)
    d_q = psi[at] - digamma(q) + np.log(gamma) - log_total
    d_gamma = q / gamma - (px + q) / (gamma + m * x)
    return ll, (d_p * p, d_q * q, d_gamma * gamma)


def _gg_objective(log_params, x, m, weight, distinct=None):
    ll, grads = _gg_terms(log_params, x, m, gradient=True, distinct=distinct)
    total = float(np.sum(weight * ll))
    if not np.isfinite(total):
        return 1e300, np.zeros(3)
    return -total, -_weighted_sums(grads, weight)


def fit_gamma_gamma(frame: pd.DataFrame, min_repeat_customers: int = DEFAULT_MIN_REPEAT_CUSTOMERS
                    ) -> GammaGammaFit:
    """Maximum-likelihood Gamma-Gamma on the customers of ``frame`` with frequency > 0 and
    monetary_value > 0 (columns frequency, monetary_value)."""
    data = frame[["frequency", "monetary_value"]].astype("float64")
    repeat = data[(data["frequency"] > 0) & (data["monetary_value"] > 0)]
    _check_counts(len(data), len(repeat), min_repeat_customers, "Gamma-Gamma")
    grouped, weight = _grouped(repeat, ["frequency", "monetary_value"])
    x, m = _arrays(grouped, "frequency", "monetary_value")
    mean_spend = float(np.average(m, weights=weight))
    # Start where the implied mean spend p*gamma/(q-1) equals the observed mean.
    start = np.log([1.0, 2.0, mean_spend])
    result = optimize.minimize(_gg_objective, start, args=(x, m, weight, _distinct(x)), jac=True,
                               method="L-BFGS-B", bounds=[_LOG_BOUNDS, _LOG_BOUNDS, (-12.0, 30.0)],
                               options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-8})
    if not np.isfinite(result.fun) or result.fun >= 1e300:
        raise NotEnoughData("Gamma-Gamma could not be fitted to the filtered data")
    p, q, gamma = np.exp(result.x)
    return GammaGammaFit(float(p), float(q), float(gamma), float(-result.fun), len(repeat))


def gamma_gamma_expected_spend(fit: GammaGammaFit, x, m) -> np.ndarray:
    """E[spend per purchase | x, m] = (gamma + m x) p / (p x + q - 1); for x = 0, p gamma / (q - 1)."""
    x, m = (np.asarray(v, dtype="float64") for v in (x, m))
    m = np.where(x > 0, m, 0.0)
    return (fit.gamma + m * x) * fit.p / (fit.p * x + fit.q - 1)
