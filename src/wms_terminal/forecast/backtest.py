"""Backtest: fit on the history without its last `horizon` days, forecast those days, and score
the forecast beside a naive one (the last day's units, carried forward), per method class and
overall. Two scores, both scale-free:

- MASE (mean absolute scaled error, Hyndman and Koehler 2006): a series' mean absolute daily
  error over the horizon divided by the mean absolute error of the one-day naive forecast
  inside the training days; averaged over the series whose training days vary (MAPE divides
  by zero on days without demand, which most products have).
- Horizon WAPE: |forecast units over the horizon - actual units| summed over the series, over
  the actual units: the error of the quantity a reorder point is made of.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wms_terminal.forecast.history import History
from wms_terminal.forecast.methods import Params, classify, fit_many

DEFAULT_HORIZON = 14


@dataclass(frozen=True)
class Score:
    group: str  # all | ses | tsb
    series: int
    mase: float | None
    naive_mase: float | None
    wape: float | None
    naive_wape: float | None

    def to_json(self) -> dict[str, Any]:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 3)

        return {
            "group": self.group,
            "series": self.series,
            "mase": r(self.mase),
            "naive_mase": r(self.naive_mase),
            "wape": r(self.wape),
            "naive_wape": r(self.naive_wape),
        }


@dataclass(frozen=True)
class Backtest:
    train_days: int
    horizon: int
    series: int
    scores: list[Score]
    params: Params

    def to_json(self) -> dict[str, Any]:
        return {
            "train_days": self.train_days,
            "horizon": self.horizon,
            "series": self.series,
            "params": {
                "smooth_alpha": self.params.smooth,
                "occurrence_alpha": self.params.occurrence,
                "size_alpha": self.params.size,
            },
            "scores": [s.to_json() for s in self.scores],
        }


def backtest(
    history: History, *, horizon: int = DEFAULT_HORIZON, params: Params = Params()
) -> Backtest:
    import numpy as np

    if horizon < 1 or history.days < horizon + 14:
        from wms_terminal.core.errors import ValidationError

        raise ValidationError(
            f"a backtest needs at least {horizon + 14} days of history, "
            f"{history.days} given (--days)"
        )
    train = history.units[:, :-horizon]
    test = history.units[:, -horizon:]
    fits = fit_many(list(train), params)
    forecast = np.array([f.daily for f in fits])
    naive = train[:, -1]
    scale = np.abs(np.diff(train, axis=1)).mean(axis=1)
    groups = np.array([classify(y) for y in train])
    model_err = np.abs(test - forecast[:, None]).mean(axis=1)
    naive_err = np.abs(test - naive[:, None]).mean(axis=1)
    actual_total = test.sum(axis=1)

    def score(name: str, mask: Any) -> Score:
        scaled = mask & (scale > 0)
        total = float(actual_total[mask].sum())

        def mase(err: Any) -> float | None:
            return float((err[scaled] / scale[scaled]).mean()) if scaled.any() else None

        def wape(daily: Any) -> float | None:
            if total <= 0:
                return None
            return float(np.abs(daily[mask] * horizon - actual_total[mask]).sum() / total)

        return Score(
            group=name,
            series=int(mask.sum()),
            mase=mase(model_err),
            naive_mase=mase(naive_err),
            wape=wape(forecast),
            naive_wape=wape(naive),
        )

    everything = np.ones(len(fits), dtype=bool)
    scores = [score("all", everything)]
    scores += [score(g, groups == g) for g in ("ses", "tsb") if (groups == g).any()]
    return Backtest(
        train_days=int(train.shape[1]),
        horizon=horizon,
        series=len(fits),
        scores=scores,
        params=params,
    )
