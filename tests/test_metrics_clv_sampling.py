"""Fitting CLV on a fixed-seed sample of customers, and the direct 2F1 series of the scoring.

Published CDNOW estimates (see tests/test_metrics_clv_models.py): BG/NBD r = 0.243,
alpha = 4.414, a = 0.793, b = 2.426; Gamma-Gamma p = 6.25, q = 3.74, gamma = 15.44.
"""

from __future__ import annotations

import importlib.metadata
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from metrics import clv_models as cm
from metrics.clv import DEFAULT_FIT_CUSTOMERS, fit_clv, fit_sample


@pytest.fixture(scope="module")
def cdnow_summary() -> pd.DataFrame:
    path = importlib.metadata.distribution("lifetimes").locate_file(
        "lifetimes/datasets/cdnow_customers_summary_with_transactions.csv")
    return pd.read_csv(path).rename(columns={"x": "frequency", "t_x": "recency",
                                             "zbar": "monetary_value"})


def test_small_inputs_are_fitted_whole(cdnow_summary):
    # CDNOW's 2,357 customers are below the 20,000 limit: the very same frame is used.
    assert DEFAULT_FIT_CUSTOMERS == 20_000
    assert fit_sample(cdnow_summary) is cdnow_summary
    assert fit_sample(cdnow_summary, max_customers=2357) is cdnow_summary


def test_sample_is_a_fixed_subset_in_original_order(cdnow_summary):
    sample = fit_sample(cdnow_summary, max_customers=1000)
    # Invariants: exactly 1000 distinct rows of the input, unchanged, in the input's order.
    assert len(sample) == 1000
    assert sample.index.is_unique and sample.index.is_monotonic_increasing
    pd.testing.assert_frame_equal(sample, cdnow_summary.loc[sample.index])
    # Fixed seed: the same inputs always give the same sample.
    pd.testing.assert_frame_equal(sample, fit_sample(cdnow_summary, max_customers=1000))


def test_fit_counts_only_the_sampled_customers(cdnow_summary):
    bgnbd, gamma_gamma = fit_clv(cdnow_summary, max_customers=1000)
    sample = fit_sample(cdnow_summary, max_customers=1000)
    assert bgnbd.customers == 1000
    assert gamma_gamma.customers == int(((sample["frequency"] > 0)
                                         & (sample["monetary_value"] > 0)).sum())


def test_rejects_an_empty_sample(cdnow_summary):
    with pytest.raises(ValueError, match="at least 1"):
        fit_sample(cdnow_summary, max_customers=0)


def test_sample_of_ten_copies_of_cdnow_recovers_the_published_estimates(cdnow_summary):
    # 10 copies of CDNOW are 23,570 customers (above 20,000): the 20,000 sampled customers are
    # drawn from the same population, so the estimates land within 5% of the published ones.
    copies = pd.concat([cdnow_summary] * 10, ignore_index=True)
    bgnbd, gamma_gamma = fit_clv(copies)
    assert bgnbd.customers == 20_000
    assert (bgnbd.r, bgnbd.alpha, bgnbd.a, bgnbd.b) == pytest.approx(
        (0.243, 4.414, 0.793, 2.426), rel=0.05)
    assert (gamma_gamma.p, gamma_gamma.q, gamma_gamma.gamma) == pytest.approx(
        (6.25, 3.74, 15.44), rel=0.05)


def _exact_series(A: float, B: float, C: float, z: float, terms: int = 60) -> float:
    """sum_k (A)_k (B)_k / ((C)_k k!) z^k in exact rational arithmetic (independent of numpy)."""
    A, B, C, z = (Fraction(v) for v in (A, B, C, z))
    term = total = Fraction(1)
    for k in range(terms):
        term = term * (A + k) * (B + k) / ((C + k) * (k + 1)) * z
        total += term
    return float(total)


@pytest.mark.parametrize("z", [0.05, 0.5], ids=["series", "scipy"])
def test_hyp2f1_log_identity(z):
    # 2F1(1, 1; 2; z) = -ln(1 - z) / z (Abramowitz & Stegun 15.1.3).
    assert cm._hyp2f1(1.0, 1.0, 2.0, z) == pytest.approx(-math.log(1 - z) / z, rel=1e-14)


@pytest.mark.parametrize("A, z", [(-3.5, 0.02), (2.25, 0.6)], ids=["series", "scipy"])
def test_hyp2f1_binomial_identity(A, z):
    # 2F1(A, B; B; z) = (1 - z)^(-A) (A & S 15.1.8), here with B = 7.
    assert cm._hyp2f1(A, 7.0, 7.0, z) == pytest.approx((1 - z) ** -A, rel=1e-14)


def test_hyp2f1_matches_exact_sum_where_fits_ran_to_their_bounds():
    # A fit at its bounds (r ~ 9827, a ~ 0.00015, b ~ 1963) gives A ~ -7865, B ~ -1, C ~ 1970
    # and tiny z: the direct series equals the exact rational sum to rounding.
    A, B = -7864.998, -0.99985
    C = np.array([1966.0, 1970.5, 1974.0])
    z = np.array([1e-5, 1.5e-4, 3e-4])
    expected = [_exact_series(A, B, c, zz) for c, zz in zip(C, z, strict=True)]
    assert cm._hyp2f1(A, B, C, z) == pytest.approx(expected, rel=1e-14)
