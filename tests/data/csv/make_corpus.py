"""Write the CSV corpus used by tests/test_datasets_ingest.py (run from the repo root to regenerate).

Each file imitates one kind of real export; the files are committed, this script only documents and rebuilds
them (encodings such as UTF-16 and cp1252 are easier to get right from code than by hand).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def w(name: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> None:
    (HERE / name).write_bytes(text.replace("\n", newline).encode(encoding))


def main() -> None:
    months = pd.date_range("2020-01-01", periods=24, freq="MS")
    vals = [100 + i * 2 + (i % 12) for i in range(24)]

    w("basic_iso_monthly.csv", "date,value\n" + "".join(f"{d:%Y-%m-%d},{v}\n" for d, v in zip(months, vals)))
    w("crlf_endings.csv", "date,value\n" + "".join(f"{d:%Y-%m-%d},{v}\n" for d, v in zip(months, vals)),
      newline="\r\n")
    days = pd.date_range("2023-01-10", periods=30, freq="D")
    w("utf8_bom_semicolon_decimal_comma.csv",
      "\ufeffdata;valor\n" + "".join(f"{d:%d/%m/%Y};{10 + i / 4:.2f}\n".replace(".", ",") for i, d in enumerate(days)))
    w("utf16_tab_export.txt", "Date\tSales\tRegion\n"
      + "".join(f"{d:%Y-%m-%d}\t{1000 + 7 * i}.5\tNorth\n" for i, d in enumerate(days)), encoding="utf-16")
    w("cp1252_month_names_pt.csv", "Mês;Produção (t)\n" + "".join(
        f"{n} {y};{1500 + i * 10},5\n" for i, (y, n) in enumerate(
            [(2021, m) for m in ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
                                 "setembro", "outubro", "novembro", "dezembro")])), encoding="cp1252")
    w("pipe_yyyy_mm.txt", "periodo|valor\n" + "".join(f"{d:%Y-%m}|{v}\n" for d, v in zip(months, vals)))
    w("thousands_pt.csv", "data;receita\n" + "".join(
        f"{d:%d/%m/%Y};{1234.56 * (i + 1):,.2f}\n".translate(str.maketrans(",.", ".,")) for i, d in
        enumerate(months[:12])))
    w("thousands_en_quoted.csv", "date,revenue\n" + "".join(
        f'{d:%Y-%m-%d},"{1234.56 * (i + 1):,.2f}"\n' for i, d in enumerate(months[:12])))
    w("quoted_decimal_comma_comma_delim.csv", "date,price\n" + "".join(
        f'{d:%Y-%m-%d},"{2.5 + i:.2f}"\n'.replace(".", ",", 1).replace(f"{d:%Y-%m-%d}".replace(".", ","),
                                                                           f"{d:%Y-%m-%d}") for i, d in
        enumerate(days[:10])))
    w("metadata_and_notes_ibge.csv",
      "Tabela 1737 - IPCA - Série histórica\nVariável - Índice (Número-índice)\nBrasil\n\n"
      "Mês;Brasil\n" + "".join(f"{d:%m/%Y};{5000 + i * 11.25:.2f}\n".replace(".", ",") for i, d in
                               enumerate(months))
      + "\nFonte: IBGE - Sistema Nacional de Índices de Preços ao Consumidor\nNotas:\n1 - Dados preliminares\n",
      encoding="cp1252")
    hours = pd.date_range("2023-01-01", periods=48, freq="h")
    temps = [f"{20 + 5 * np.sin(2 * np.pi * i / 24):.1f}".replace(".", ",") for i in range(48)]
    temps[5] = "-9999"
    temps[30] = "-9999"
    w("inmet_weather_station.csv",
      "REGIAO:;SE\nUF:;SP\nESTACAO:;SAO PAULO - MIRANTE\nCODIGO (WMO):;A701\nLATITUDE:;-23,49638888\n"
      "LONGITUDE:;-46,62\nALTITUDE:;785,16\nDATA DE FUNDACAO:;25/07/06\n"
      "Data;Hora UTC;PRECIPITAÇÃO TOTAL, HORÁRIO (mm);TEMPERATURA DO AR - BULBO SECO, HORARIA (°C);UMIDADE (%);\n"
      + "".join(f"{h:%Y/%m/%d};{h:%H}00 UTC;0;{t};{60 + i % 10};\n" for i, (h, t) in enumerate(zip(hours, temps))),
      encoding="cp1252")
    w("iso_timestamps_tz.csv", "timestamp,load_mw\n" + "".join(
        f"{h:%Y-%m-%dT%H:%M:%S}-03:00,{300 + i}\n" for i, h in enumerate(hours[:24])))
    d2 = pd.date_range("2022-03-01", periods=20, freq="D")
    w("dmy_dayfirst_evidence.csv", "dia,valor\n" + "".join(f"{d:%d/%m/%Y},{i}\n" for i, d in enumerate(d2)))
    w("mdy_us.csv", "Date,Close\n" + "".join(f"{d:%m/%d/%Y},{50 + i}\n" for i, d in enumerate(d2)))
    w("dmy_ambiguous_monthly.csv", "data;valor\n" + "".join(f"01/{d:%m/%Y};{i + 1}\n" for i, d in
                                                          enumerate(months[:12])))
    w("mm_yyyy.csv", "mes,vendas\n" + "".join(f"{d:%m/%Y},{v}\n" for d, v in zip(months, vals)))
    w("years_only.csv", "ano;populacao\n" + "".join(f"{1990 + i};{150 + i * 1.5:.1f}\n".replace(".", ",")
                                                   for i in range(30)))
    w("quarters.csv", "quarter,gdp\n" + "".join(f"{2015 + i // 4}Q{i % 4 + 1},{1000 + 10 * i}\n" for i in range(20)))
    w("month_abbrev_pt_slash.csv", "mes;valor\n" + "".join(
        f"{m}/{y};{i}\n" for i, (y, m) in enumerate([(2022, m) for m in ("jan", "fev", "mar", "abr", "mai", "jun",
                                                                         "jul", "ago", "set", "out", "nov",
                                                                         "dez")])))
    w("month_names_en.csv", "Month,Passengers\n" + "".join(
        f"{d:%B %Y},{112 + i}\n" for i, d in enumerate(months[:18])))
    w("date_hour_separate.csv", "date,hour,kwh\n" + "".join(
        f"{h:%Y-%m-%d},{h.hour},{1 + i / 10:.1f}\n" for i, h in enumerate(hours)))
    w("no_date_column.csv", "value\n" + "".join(f"{np.sin(i / 3):.4f}\n" for i in range(40)))
    w("no_header.csv", "".join(f"{d:%Y-%m-%d},{v}\n" for d, v in zip(months, vals)))
    bdays = pd.bdate_range("2024-01-02", periods=45)
    bdays = bdays.delete([10, 25])  # two market holidays
    w("several_numeric_ohlc.csv", "Date,Open,High,Low,Close,Volume\n" + "".join(
        f"{d:%Y-%m-%d},{10 + i:.2f},{11 + i:.2f},{9 + i:.2f},{10.5 + i:.2f},{100000 + i}\n"
        for i, d in enumerate(bdays)))
    w("text_columns_ignored.csv", "id,date,city,comment,value\n" + "".join(
        f"{i + 1},{d:%Y-%m-%d},Recife,\"ok, checked\",{v}\n" for i, (d, v) in enumerate(zip(months, vals))))
    order = [3, 0, 2, 1, 5, 4, 7, 6, 9, 8, 11, 10]
    w("unsorted_rows.csv", "date,value\n" + "".join(f"{months[i]:%Y-%m-%d},{vals[i]}\n" for i in order))
    w("duplicates.csv", "date,value\n2020-01-01,1\n2020-01-02,2\n2020-01-02,4\n2020-01-03,5\n2020-01-04,6\n"
      "2020-01-04,8\n2020-01-05,9\n")
    w("missing_markers.csv", "date,value\n" + "".join(
        f"{d:%Y-%m-%d},{m}\n" for d, m in zip(days[:12], ["1", "NA", "3", "", "5", "-", "7", "null", "9", "N/A",
                                                           "11", "12"])))
    gm = months[:12].delete([3, 4, 8])
    w("gaps_monthly.csv", "date,value\n" + "".join(f"{d:%Y-%m-%d},{d.month}\n" for d in gm))
    w("business_days_prices.csv", "Data;Fechamento\n" + "".join(
        f"{d:%d/%m/%Y};{30 + i * 0.25:.2f}\n".replace(".", ",") for i, d in enumerate(bdays)))
    w("daily_for_resample.csv", "date,sales\n" + "".join(
        f"{d:%Y-%m-%d},1\n" for d in pd.date_range("2023-01-01", "2023-03-31", freq="D")))
    weeks = pd.date_range("2021-01-03", periods=20, freq="W-SUN")
    w("weekly_sundays.csv", "week,cases\n" + "".join(f"{d:%Y-%m-%d},{i * 3}\n" for i, d in enumerate(weeks)))
    w("compact_yyyymmdd.csv", "date,co2\n" + "".join(
        f"{d:%Y%m%d},{316 + i / 10:.1f}\n" for i, d in enumerate(pd.date_range("1958-03-29", periods=15,
                                                                                 freq="W-SAT"))))
    w("hourly_gaps.csv", "time,temp\n" + "".join(
        f"{h:%Y-%m-%d %H:%M},{i}\n" for i, h in enumerate(hours[:24]) if i not in (5, 6, 17)))
    w("irregular_dates.csv", "date,value\n2020-01-01,1\n2020-01-02,2\n2020-01-07,3\n2020-02-11,4\n2020-02-12,5\n"
      "2020-04-30,6\n")
    w("bcb_sgs_quoted.csv", '"data";"valor"\n' + "".join(
        f'"{d:%d/%m/%Y}";"{4 + i / 20:.2f}"\n'.replace(".", ",") for i, d in enumerate(months[:12])))
    w("yahoo_prices_null_row.csv", "Date,Open,High,Low,Close,Adj Close,Volume\n" + "".join(
        (f"{d:%Y-%m-%d},null,null,null,null,null,null\n" if i == 3 else
         f"{d:%Y-%m-%d},{10 + i},{11 + i},{9 + i},{10.5 + i},{10.4 + i},{1000 + i}\n") for i, d in enumerate(bdays[:20])))
    w("excel_currency_brl.csv", "Mês;Receita\n" + "".join(
        f'{m}/23;"R$ {1234.56 + i * 100:,.2f}"\n'.translate(str.maketrans(",.", ".,")) for i, m in
        enumerate(("jan", "fev", "mar", "abr", "mai", "jun"))), encoding="cp1252")
    w("english_month_day_year.csv", "Date,Value\n" + "".join(
        f'"{d:%b} {d.day}, {d:%Y}",{i}\n' for i, d in enumerate(days[:14])))
    # errors
    w("empty.csv", "")
    w("whitespace_only.csv", "\n\n   \n")
    w("header_only.csv", "date,value\n")
    w("no_numeric.csv", "name,city\nAna,Recife\nBruno,Natal\nCarla,Belém\n")
    rng = np.random.default_rng(0)
    (HERE / "binary.bin").write_bytes(bytes(rng.integers(0, 256, 600, dtype=np.uint8)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in ("[Content_Types].xml", "xl/workbook.xml"):  # fixed timestamps: the bytes never change
            zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), "<x/>")
    (HERE / "spreadsheet.xlsx").write_bytes(buf.getvalue())
    w("all_missing.csv", "date,value\n2020-01-01,NA\n2020-01-02,\n2020-01-03,-\n2020-01-04,null\n")
    w("too_few_points.csv", "date,value\n2020-01-01,1\n2020-01-02,2\n")
    w("non_finite.csv", "date,value\n2020-01-01,1\n2020-01-02,inf\n2020-01-03,3\n2020-01-04,4\n")


if __name__ == "__main__":
    main()
