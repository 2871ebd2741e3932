"""BG/NBD and Gamma-Gamma against the published CDNOW results and the papers' formulas.

The CDNOW calibration summaries ship inside the ``lifetimes`` wheel (a test-only dependency,
read as data files; the package is never imported). Published values:
- BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way", and Hardie's
  Excel note): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, log-likelihood = -9582.4;
  E[Y(39) | x=2, t_x=30.43, T=38.86] = 1.226 (the paper's worked example, customer 1).
- Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"; 946 repeat customers):
  p = 6.25, q = 3.74, gamma = 15.44.
"""

from __future__ import annotations

import importlib.metadata
import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import check_grad

from metrics import clv_models as cm
from metrics.clv_models import BGNBDFit, GammaGammaFit, NotEnoughData

PAPER_BGNBD = BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=-9582.4,
                       customers=2357)
PAPER_GG = GammaGammaFit(p=6.25, q=3.74, gamma=15.44, log_likelihood=float("nan"), customers=946)


def cdnow(name: str) -> pd.DataFrame:
    """A CSV of lifetimes/datasets, located through the installed distribution's file list."""
    path = importlib.metadata.distribution("lifetimes").locate_file(f"lifetimes/datasets/{name}")
    return pd.read_csv(path)


@pytest.fixture(scope="module")
def cdnow_summary() -> pd.DataFrame:
    frame = cdnow("cdnow_customers_summary_with_transactions.csv")
    return frame.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})


def test_cdnow_data_is_the_papers(cdnow_summary):
    # The papers: 2,357 customers in the calibration sample, 946 of them with repeat purchases.
    assert len(cdnow_summary) == 2357
    assert int((cdnow_summary["frequency"] > 0).sum()) == 946


def test_bgnbd_fit_matches_published_cdnow(cdnow_summary):
    fit = cm.fit_bgnbd(cdnow_summary)
    assert (fit.r, fit.alpha, fit.a, fit.b) == pytest.approx(
        (PAPER_BGNBD.r, PAPER_BGNBD.alpha, PAPER_BGNBD.a, PAPER_BGNBD.b), abs=0.001)
    assert fit.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    assert fit.customers == 2357


def test_gamma_gamma_fit_matches_published_cdnow(cdnow_summary):
    fit = cm.fit_gamma_gamma(cdnow_summary)
    assert (fit.p, fit.q) == pytest.approx((6.25, 3.74), abs=0.01)
    assert fit.gamma == pytest.approx(15.44, rel=0.01)
    assert fit.customers == 946


def test_conditional_expectation_matches_papers_worked_example():
    # Paper, section 4: E[Y(39) | x=2, t_x=30.43, T=38.86] = 1.226 at the published estimates.
    value = cm.bgnbd_expected_purchases(PAPER_BGNBD, 39, [2], [30.43], [38.86])
    assert value[0] == pytest.approx(1.226, abs=0.0005)


def test_one_time_buyer_log_likelihood_by_hand():
    # x = 0: L = (alpha / (alpha + T))^r, so ln L = 0.243 * ln(4.414 / 43.274)
    #        = 0.243 * ln(0.1020012) = 0.243 * -2.282770 = -0.554713
    value = cm.bgnbd_log_likelihood(0.243, 4.414, 0.793, 2.426, [0], [0], [38.86])
    assert value[0] == pytest.approx(-0.554713, abs=1e-5)


def _paper_equation_6(r, alpha, a, b, x, t_x, T):
    """Equation (6) written out with math.lgamma, term by term, as printed in the paper."""
    def beta(p, q):
        return math.exp(math.lgamma(p) + math.lgamma(q) - math.lgamma(p + q))
    common = math.exp(math.lgamma(r + x) - math.lgamma(r)) * alpha ** r
    first = beta(a, b + x) / beta(a, b) * common / (alpha + T) ** (r + x)
    second = beta(a + 1, b + x - 1) / beta(a, b) * common / (alpha + t_x) ** (r + x) if x > 0 else 0
    return math.log(first + second)


@pytest.mark.parametrize("x, t_x, T", [(2, 30.43, 38.86), (1, 1.71, 38.86), (7, 29.43, 38.86),
                                       (0, 0.0, 32.71)],
                         ids=["customer-1", "customer-2", "seven-repeats", "one-time"])
def test_log_likelihood_matches_equation_6(x, t_x, T):
    expected = _paper_equation_6(0.243, 4.414, 0.793, 2.426, x, t_x, T)
    assert cm.bgnbd_log_likelihood(0.243, 4.414, 0.793, 2.426, [x], [t_x], [T])[0] == \
        pytest.approx(expected, abs=1e-9)


def test_p_alive_by_hand():
    # a/(b+x-1) = 0.793/3.426 = 0.231465; ((4.414+38.86)/(4.414+30.43))^2.243
    # = 1.241935^2.243 = exp(2.243 * 0.216672) = exp(0.485995) = 1.625779;
    # P(alive) = 1 / (1 + 0.231465 * 1.625779) = 1 / 1.376313 = 0.726579
    assert cm.bgnbd_p_alive(PAPER_BGNBD, [2], [30.43], [38.86])[0] == pytest.approx(0.726579, abs=1e-5)
    # No repeat purchase: the model assumes no dropout before the first repeat.
    assert cm.bgnbd_p_alive(PAPER_BGNBD, [0], [0], [38.86])[0] == 1.0


def test_newborn_customer_expects_the_unconditional_count():
    # With x = t_x = T = 0, equation (10) reduces to equation (7), E[X(t)].
    t = np.array([1.0, 10.0, 39.0, 78.0])
    conditional = cm.bgnbd_expected_purchases(PAPER_BGNBD, t, 0, 0, 0)
    assert conditional == pytest.approx(cm.bgnbd_expected_purchases_new(PAPER_BGNBD, t), rel=1e-9)


def test_heavy_buyer_stays_accurate():
    # 300 repeat purchases: 2F1(r+x, b+x; a+b+x-1; z) is huge and (1-z)^(r+x) tiny; the Euler form
    # avoids both. Equation (10) evaluated directly in 50-digit arithmetic (mpmath):
    # 206.609332 * P(alive) 0.478396 = 98.841061.
    value = cm.bgnbd_expected_purchases(PAPER_BGNBD, 39, [300], [38.0], [38.86])
    assert value[0] == pytest.approx(98.841061, abs=1e-5)


def test_gamma_gamma_log_likelihood_by_hand():
    # p=1, q=2, gamma=10, x=1, m=10: G(3)/(G(1)G(2)) * 10^2 * 10^0 * 1 / 20^3 = 2 * 100 / 8000 = 0.025
    assert cm.gamma_gamma_log_likelihood(1.0, 2.0, 10.0, [1], [10.0])[0] == \
        pytest.approx(math.log(0.025), abs=1e-12)


@pytest.mark.parametrize("x, m, expected", [
    # (15.44 + 2 * 22.35) * 6.25 / (6.25 * 2 + 3.74 - 1) = 60.14 * 6.25 / 15.24 = 24.663714
    (2, 22.35, 24.663714),
    # no repeats: the population mean p gamma / (q - 1) = 96.5 / 2.74 = 35.218978
    (0, 0.0, 35.218978),
], ids=["two-repeats", "no-repeats"])
def test_expected_spend_by_hand(x, m, expected):
    assert cm.gamma_gamma_expected_spend(PAPER_GG, [x], [m])[0] == pytest.approx(expected, abs=1e-5)


def test_expected_spend_moves_from_population_mean_towards_own_mean():
    # The more purchases, the closer the estimate to the customer's own mean of 100.
    spends = cm.gamma_gamma_expected_spend(PAPER_GG, [1, 5, 50, 500], [100.0] * 4)
    assert np.all(np.diff(spends) > 0) and spends[-1] < 100 and abs(spends[-1] - 100) < 1


@pytest.mark.parametrize("log_params", [np.log([0.243, 4.414, 0.793, 2.426]), np.log([1.0, 2.0, 3.0, 0.5])],
                         ids=["at-optimum", "elsewhere"])
def test_bgnbd_gradient_matches_finite_differences(cdnow_summary, log_params):
    x, t_x, T = (cdnow_summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    w = np.ones(len(x))
    error = check_grad(lambda p: cm._bgnbd_objective(p, x, t_x, T, w)[0],
                       lambda p: cm._bgnbd_objective(p, x, t_x, T, w)[1], log_params)
    assert error < 1e-3 * max(1.0, np.linalg.norm(cm._bgnbd_objective(log_params, x, t_x, T, w)[1]))


def test_gamma_gamma_gradient_matches_finite_differences(cdnow_summary):
    repeat = cdnow_summary[cdnow_summary["frequency"] > 0]
    x, m = repeat["frequency"].to_numpy(float), repeat["monetary_value"].to_numpy(float)
    w = np.ones(len(x))
    log_params = np.log([2.0, 3.0, 20.0])
    error = check_grad(lambda p: cm._gg_objective(p, x, m, w)[0],
                       lambda p: cm._gg_objective(p, x, m, w)[1], log_params)
    assert error < 1e-3 * max(1.0, np.linalg.norm(cm._gg_objective(log_params, x, m, w)[1]))


def test_fit_is_the_maximum(cdnow_summary):
    # Invariant: moving any parameter 2% away from the fit lowers the total log-likelihood.
    fit = cm.fit_bgnbd(cdnow_summary)
    x, t_x, T = (cdnow_summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    best = cm.bgnbd_log_likelihood(fit.r, fit.alpha, fit.a, fit.b, x, t_x, T).sum()
    assert best == pytest.approx(fit.log_likelihood, abs=1e-6)
    params = [fit.r, fit.alpha, fit.a, fit.b]
    for i in range(4):
        for factor in (0.98, 1.02):
            moved = list(params)
            moved[i] *= factor
            assert cm.bgnbd_log_likelihood(*moved, x, t_x, T).sum() < best


def test_too_few_repeat_customers_is_a_clear_error():
    frame = pd.DataFrame({"frequency": [0, 1, 0], "recency": [0, 2.0, 0], "T": [5.0, 5.0, 3.0],
                          "monetary_value": [0, 20.0, 0]})
    with pytest.raises(NotEnoughData, match=r"at least 10 customers with a repeat purchase; "
                                            r"the filtered data has 1 \(of 3 customers\)"):
        cm.fit_bgnbd(frame)
    with pytest.raises(NotEnoughData, match="Gamma-Gamma needs at least 10"):
        cm.fit_gamma_gamma(frame)


def test_inconsistent_inputs_are_rejected():
    frame = pd.DataFrame({"frequency": [1], "recency": [6.0], "T": [5.0]})
    with pytest.raises(ValueError, match="recency <= T"):
        cm.fit_bgnbd(frame, min_repeat_customers=1)
