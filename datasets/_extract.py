"""Rebuild the bundled CSVs in ``datasets/data/`` from the data files that two PyPI packages ship.

Not imported by the app. Run once by hand, after unpacking the wheels (``pip download --no-deps statsmodels
vega_datasets`` then ``unzip``) into one folder:

    python -m datasets._extract /path/to/unpacked

Every source is public domain (US government data: NOAA, BLS, FRED/BEA); ``catalog.toml`` records each one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

OUT = Path(__file__).parent / "data"


def _write(series: pd.Series, name: str) -> None:
    frame = series.rename("value").to_frame()
    frame.index.name = "date"
    frame.to_csv(OUT / f"{name}.csv", float_format="%.6g", date_format="%Y-%m-%d %H:%M" if name.endswith("hourly")
                 else "%Y-%m-%d")


def main(root: Path) -> None:
    sm = root / "statsmodels" / "datasets"
    vg = root / "vega_datasets" / "_data"

    co2 = pd.read_csv(sm / "co2" / "co2.csv")
    co2.index = pd.to_datetime(co2["date"].astype(str), format="%Y%m%d")
    # The flask record has a few missing weeks; fill them linearly so the bundled series has no holes.
    _write(co2["co2"].asfreq("W-SAT").interpolate(), "co2_mauna_loa_weekly")

    sun = pd.read_csv(sm / "sunspots" / "sunspots.csv")
    sun.index = pd.to_datetime(sun["YEAR"].astype(int).astype(str), format="%Y")
    _write(sun["SUNACTIVITY"], "sunspots_yearly")

    nile = pd.read_csv(sm / "nile" / "nile.csv")
    nile.index = pd.to_datetime(nile["year"].astype(str), format="%Y")
    _write(nile["volume"], "nile_yearly")

    nino = pd.read_csv(sm / "elnino" / "elnino.csv")
    long = nino.melt(id_vars="YEAR", var_name="month", value_name="sst")
    months = {m: i + 1 for i, m in enumerate(nino.columns[1:])}
    long.index = pd.to_datetime({"year": long["YEAR"].astype(int), "month": long["month"].map(months), "day": 1})
    _write(long["sst"].sort_index(), "elnino_sst_monthly")

    macro = pd.read_csv(sm / "macrodata" / "macrodata.csv")
    idx = pd.PeriodIndex.from_fields(year=macro["year"].astype(int), quarter=macro["quarter"].astype(int),
                                     freq="Q").to_timestamp()
    _write(pd.Series(macro["realgdp"].to_numpy(), index=idx), "us_real_gdp_quarterly")
    _write(pd.Series(macro["unemp"].to_numpy(), index=idx), "us_unemployment_quarterly")

    wx = pd.read_csv(vg / "seattle-weather.csv")
    wx.index = pd.to_datetime(wx["date"], format="%Y/%m/%d")
    _write(wx["temp_max"], "seattle_temp_max_daily")

    hr = pd.read_csv(vg / "seattle-temps.csv")
    hr.index = pd.to_datetime(hr["date"], format="%Y/%m/%d %H:%M")
    # One full year is 8,760 points: keep the first 16 weeks (2,688 hours), enough to see daily cycles and weather.
    hr = hr["temp"].asfreq("h").interpolate().iloc[: 16 * 7 * 24]
    _write(hr, "seattle_temp_hourly")

    emp = pd.read_csv(vg / "us-employment.csv")
    emp.index = pd.to_datetime(emp["month"], format="%Y-%m-%d")
    _write(emp["nonfarm"], "us_nonfarm_employment_monthly")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
