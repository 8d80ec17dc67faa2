/// The fixed Python and Markdown of exported notebooks (see `NotebookExport`). Only these
/// texts and the parameter and result cells `NotebookExport` writes make up a notebook, so
/// what the recomputation does can be read here in one place. The Python follows
/// METHODS.md literally and reuses the logic of Tests/Reference/make_analysis_reference.py
/// and make_forecast_reference.py, which the golden tests check the engine against.
enum NotebookPython {
    static let setup = #"""
        import csv
        import datetime as dt
        import json
        import math
        import re
        import warnings
        from pathlib import Path

        import matplotlib.pyplot as plt
        import numpy as np
        import pandas as pd
        import scipy.stats as st
        import statsmodels.api as sm
        import yaml
        from IPython.display import display
        from statsmodels.stats.multitest import multipletests

        # statsmodels warns about near-singular designs; undefined cases are handled explicitly below.
        warnings.simplefilter("ignore")
        pd.set_option("display.width", 200)
        pd.set_option("display.max_columns", 40)

        # METHODS.md: the engine "agrees to a relative error of 1e-8 with an absolute floor of 1e-12
        # (p- and q-values: absolute 1e-10 or relative 1e-6, whichever is looser)".
        REL_TOL, ABS_FLOOR = 1e-8, 1e-12
        P_ABS_TOL, P_REL_TOL = 1e-10, 1e-6
        ENGINE = {}   # Scorecard's own tables, by name
        OURS = {}     # the same tables recomputed in this notebook
        CHECKS = []   # one entry per compared table; the last cell asserts them all
        """#

    static let dataIntro = #"""
        ## The data, read independently

        The measurements are read again here, with Python's csv module and pandas, following METHODS.md's
        data model rather than Scorecard's reader: one value per (team, period, measure); an empty cell,
        `NA`, `NaN` or `null` is *missing* (never zero); values are plain decimal numbers; periods are
        calendar slots, so "lag 1" is the previous calendar period and a gap stays a gap. Every leniency
        Scorecard allows (docs/DECISIONS.md) is allowed here too: header names in any case, a leading
        BOM, CRLF, quoted values, blank lines, blanks or tabs around a number, `q`/`w` in either case in
        period labels, several measurements files read as one. The window and the team and
        measure filters of the export are applied the same way (METHODS.md, "Windows"), the
        window is re-derived from the flags and checked against the one Scorecard used, and the count of
        values present must equal Scorecard's, so the two read the same data.
        """#

    static let data = #"""
        def locate(relative, what):
            """The file at `relative` (a path from the notebook's folder), or a clear error."""
            path = Path(relative)
            if not path.is_file():
                raise FileNotFoundError(
                    f"{what} not found: {relative!r} (looked at {path.resolve()}). The path is relative to the "
                    "notebook's own folder, which Jupyter makes the working directory: run the notebook from "
                    "there, or export it again with `scorecard export notebook` if the data has moved.")
            return path


        MEASUREMENTS = [locate(path, "measurements CSV") for path in [PARAMS["measurements"]] + PARAMS["more_measurements"]]
        SCORECARD = locate(PARAMS["scorecard"], "scorecard YAML") if PARAMS["scorecard"] else None


        def period_slot(label, where="the command line"):
            """(frequency, calendar index) of a period label; consecutive periods differ by 1.
            `Q` and `W` may be written in either case (docs/DECISIONS.md)."""
            m = re.fullmatch(r"(\d{4})-(\d{2})", label)
            if m and 1 <= int(m[2]) <= 12:
                return "month", int(m[1]) * 12 + int(m[2]) - 1
            m = re.fullmatch(r"(\d{4})-[Qq]([1-4])", label)
            if m:
                return "quarter", int(m[1]) * 4 + int(m[2]) - 1
            m = re.fullmatch(r"(\d{4})-[Ww](\d{2})", label)
            if m:
                return "week", dt.date.fromisocalendar(int(m[1]), int(m[2]), 1).toordinal() // 7
            m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", label)
            if m:
                return "day", dt.date(int(m[1]), int(m[2]), int(m[3])).toordinal()
            m = re.fullmatch(r"(\d{4})", label)
            if m:
                return "year", int(m[1])
            raise ValueError(f"{where}: period {label!r} is not a month, quarter, week, year or day")


        def period_label(freq, index):
            """The label of calendar index `index` (inverse of period_slot)."""
            if freq == "month":
                return f"{index // 12:04d}-{index % 12 + 1:02d}"
            if freq == "quarter":
                return f"{index // 4:04d}-Q{index % 4 + 1}"
            if freq == "week":
                y, w, _ = dt.date.fromordinal(index * 7 + 1).isocalendar()
                return f"{y:04d}-W{w:02d}"
            if freq == "day":
                return dt.date.fromordinal(index).isoformat()
            return f"{index:04d}"


        # A value: the missing tokens are exact; a number may have blanks or tabs around it
        # (docs/DECISIONS.md); `1e-400` is 0 and `-0` is 0.
        MISSING_TOKENS = {"", "NA", "NaN", "null"}
        NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


        def parse_value(text, where):
            if text in MISSING_TOKENS:
                return math.nan
            number = text.strip(" \t")
            if not NUMBER.fullmatch(number) or not math.isfinite(float(number)):
                raise ValueError(f"{where}: value {text!r} is not a finite decimal number")
            return float(number) + 0.0


        def read_measurements(path):
            """Rows (file, line, team, period, measure, value text) of one measurements file. The header
            is read here, not by pandas (which would rename a repeated name): `team,period,measure,value`
            in any case is tidy, else `team,period,<measure>,…` (first two in any case) is wide with the
            measure names as written. A leading BOM, CRLF, quoting and blank lines are allowed."""
            with open(path, encoding="utf-8-sig", newline="") as f:
                reader = csv.reader(f, strict=True)
                header = next(reader)
                names = [h.lower() for h in header]
                if len(header) < 3 or names[:2] != ["team", "period"]:
                    raise ValueError(f"{path}: line 1: header {header} is not a measurements header")
                tidy = len(header) == 4 and names[2:] == ["measure", "value"]
                if not tidy and len(set(header[2:])) != len(header) - 2:
                    raise ValueError(f"{path}: line 1: a measure appears twice in the header {header}")
                for record in reader:
                    if not record:
                        continue                      # a blank line
                    line = reader.line_num
                    if len(record) != len(header):
                        raise ValueError(f"{path}: line {line}: {len(record)} fields, the header has {len(header)}")
                    if tidy:
                        yield (path, line, *record)
                    else:
                        for measure, value in zip(header[2:], record[2:]):
                            yield (path, line, record[0], record[1], measure, value)


        tidy = pd.DataFrame([row for path in MEASUREMENTS for row in read_measurements(path)],
                            columns=["_file", "_line", "team", "period", "measure", "value"])
        tidy["value"] = [parse_value(v, f"{file}: line {line}") for v, file, line in zip(tidy["value"], tidy["_file"], tidy["_line"])]
        slots = [period_slot(p, f"{file}: line {line}") for p, file, line in zip(tidy["period"], tidy["_file"], tidy["_line"])]
        FREQ = PARAMS["window"]["frequency"]
        assert {f for f, _ in slots} == {FREQ}, f"periods of {sorted({f for f, _ in slots})}, Scorecard read {FREQ}s"
        tidy["slot"] = [i for _, i in slots]
        duplicated = tidy.duplicated(["team", "slot", "measure"])
        assert not duplicated.any(), f"duplicate key at {tidy[duplicated]['_file'].iloc[0]} line {tidy[duplicated]['_line'].iloc[0]}"

        # The window (METHODS.md "Windows"): --to (default: the data's last period), --from (default: the
        # first, which is the earliest period of any row, missing values included) or --last N ending at
        # --to; then clipped to the data.
        sel = PARAMS["selection"]
        hi = period_slot(sel["to"])[1] if sel["to"] else tidy["slot"].max()
        lo = period_slot(sel["from"])[1] if sel["from"] else tidy["slot"].min()
        if sel["last"] is not None:
            lo = hi - sel["last"] + 1
        FIRST, LAST = max(lo, tidy["slot"].min()), min(hi, tidy["slot"].max())
        P = LAST - FIRST + 1
        LABELS = [period_label(FREQ, FIRST + j) for j in range(P)]
        assert (LABELS[0], LABELS[-1], P) == (PARAMS["window"]["from"], PARAMS["window"]["to"], PARAMS["window"]["periods"]), \
            f"window {LABELS[0]}..{LABELS[-1]} here, {PARAMS['window']} in Scorecard"

        TEAMS = sorted(set(tidy["team"]) if not sel["teams"] else set(sel["teams"]))
        MEASURES_HERE = sorted(set(tidy["measure"]) if not sel["measures"] else set(sel["measures"]))
        assert set(TEAMS) == set(PARAMS["teams"]) and set(MEASURES_HERE) == set(PARAMS["measures"])
        TEAMS, MEASURES = PARAMS["teams"], PARAMS["measures"]   # the same sets, in Scorecard's order

        rows = tidy[(tidy["slot"] >= FIRST) & (tidy["slot"] <= LAST) & tidy["team"].isin(TEAMS) & tidy["measure"].isin(MEASURES)]
        VALUES = {}
        for team, measure, slot, value in zip(rows["team"], rows["measure"], rows["slot"], rows["value"]):
            VALUES.setdefault((team, measure), np.full(P, np.nan))[slot - FIRST] = value
        PRESENT = int(sum(np.isfinite(v).sum() for v in VALUES.values()))
        assert PRESENT == PARAMS["window"]["values"], \
            f"{PRESENT} values present here, {PARAMS['window']['values']} in the panel Scorecard analysed"


        def series(team, measure, lo=0, hi=None):
            """Values of calendar slots lo..hi-1 of the window (NaN = missing)."""
            hi = P if hi is None else hi
            return VALUES.get((team, measure), np.full(P, np.nan))[lo:hi]


        def varies_between_teams(measure):
            """False when every period's present values are the same for all teams (within 1e-12
            relative): a national index. Scorecard then leaves the quartile tests and the lead-lag
            statistics undefined and out of the BH family (docs/DECISIONS.md, issue #14)."""
            stack = np.array([series(team, measure) for team in TEAMS])
            for column in stack.T:
                present = column[~np.isnan(column)]
                if len(present) and np.any(np.abs(present - present[0]) > 1e-12 * np.maximum(np.abs(present), abs(present[0]))):
                    return True
            return False


        print(f"{len(TEAMS)} teams × {len(MEASURES)} measures × {P} {FREQ}s ({LABELS[0]} to {LABELS[-1]}), "
              f"{PRESENT} values present, as in Scorecard's panel")
        """#

    static let scorecardIntro = #"""
        The scorecard, read with PyYAML keeping every value as the text written (as Scorecard does: an
        id `no` or `010` is that text, not a boolean or a number): each measure's direction (is higher better?), its aggregation
        over a window (`sum`, `mean`, `last`), its unit (for the plots), the strategy-map links and the
        ROI definition.
        """#

    static let scorecard = #"""
        class TextLoader(yaml.BaseLoader):
            """YAML with every scalar kept as the text written (`id: no` is "no", `id: 010` is "010", as in
            Scorecard; PyYAML's safe_load would read False and 8), and an empty value, `~` or `null` as none."""


        def text_or_none(loader, node):
            return None if node.value == "" or (node.style is None and node.value in ("~", "null", "Null", "NULL")) else node.value


        TextLoader.add_constructor("tag:yaml.org,2002:str", text_or_none)
        CARD = (yaml.load(SCORECARD.read_text(encoding="utf-8-sig"), Loader=TextLoader) if SCORECARD else None) or {}
        SPECS = {}   # scorecard measures in file order
        for perspective, body in (CARD.get("perspectives") or {}).items():
            for objective in (body or {}).get("objectives") or []:
                for m in objective.get("measures") or []:
                    SPECS[m["id"]] = dict(perspective=perspective, direction=m["direction"],
                                          aggregation=m["aggregation"], unit=m.get("unit"))
        LINKS = CARD.get("links") or []
        ROI = CARD.get("roi")


        def direction(m):     # measures not in the scorecard: higher is better (METHODS.md)
            return SPECS[m]["direction"] if m in SPECS else "higher"


        def aggregation(m):   # ... and aggregated by the mean
            return SPECS[m]["aggregation"] if m in SPECS else "mean"


        def unit(m):
            return str(SPECS.get(m, {}).get("unit") or "value")


        def plain(text):
            """Text for a matplotlib label: `$` would start mathtext."""
            return str(text).replace("$", r"\$")


        print(f"{len(SPECS)} scorecard measures, {len(LINKS)} links, ROI: {ROI}")
        """#

    static let compareIntro = #"""
        ## How the two are compared

        `compare` matches Scorecard's rows with the recomputed ones on the table's key columns and
        checks every other column: numbers to a relative error of 1e-8 (absolute floor 1e-12), p- and
        q-values to an absolute 1e-10 or a relative 1e-6, whichever is looser (METHODS.md's
        tolerances), counts and labels exactly; an undefined value must be undefined on both sides.
        A row present on one side only is a disagreement too. Each comparison is recorded in `CHECKS`
        for the final cell.
        """#

    static let compare = #"""
        def engine_table(text):
            """Scorecard's own result table (its `--format json` output) as a DataFrame."""
            doc = json.loads(text)
            for note in doc["notes"]:
                print("Scorecard note:", note)
            return pd.DataFrame(doc["rows"], columns=doc["columns"])


        NUMERIC = (int, float, np.integer, np.floating)


        def is_missing(v):
            return v is None or (isinstance(v, (float, np.floating)) and math.isnan(v))


        def compare(title, engine, ours, keys, numbers=(), probabilities=(), exact=()):
            """Compares Scorecard's table with the recomputed one (see above) and records the outcome."""
            problems = []
            def by_key(frame, side):
                table = {}
                for row in frame.to_dict("records"):
                    key = tuple(row[k] for k in keys)
                    if key in table:
                        problems.append(f"{side}: key {key} occurs twice")
                    table[key] = row
                return table
            e, o = by_key(engine, "Scorecard"), by_key(ours, "recomputed")
            only_e, only_o = [k for k in e if k not in o], [k for k in o if k not in e]
            if only_e:
                problems.append(f"{len(only_e)} rows only in Scorecard's table, e.g. {only_e[0]}")
            if only_o:
                problems.append(f"{len(only_o)} rows only in the recomputed table, e.g. {only_o[0]}")
            values, worst_rel, worst_share = 0, 0.0, 0.0
            for key, er in e.items():
                orow = o.get(key)
                if orow is None:
                    continue
                for col in list(numbers) + list(probabilities):
                    a, b = er[col], orow[col]
                    values += 1
                    if is_missing(a) or is_missing(b):
                        if is_missing(a) != is_missing(b):
                            problems.append(f"{key} {col}: Scorecard {a!r}, recomputed {b!r}")
                        continue
                    a, b = float(a), float(b)
                    diff = abs(a - b)
                    tol = max(P_ABS_TOL, P_REL_TOL * abs(b)) if col in probabilities else max(ABS_FLOOR, REL_TOL * abs(b))
                    worst_share = max(worst_share, diff / tol)
                    if abs(b) > ABS_FLOOR:
                        worst_rel = max(worst_rel, diff / abs(b))
                    if diff > tol:
                        problems.append(f"{key} {col}: Scorecard {a!r}, recomputed {b!r} (difference {diff:.3g} > {tol:.3g})")
                for col in exact:
                    a, b = er[col], orow[col]
                    values += 1
                    a = None if is_missing(a) else (float(a) if isinstance(a, NUMERIC) else a)
                    b = None if is_missing(b) else (float(b) if isinstance(b, NUMERIC) else b)
                    if a != b:
                        problems.append(f"{key} {col}: Scorecard {a!r}, recomputed {b!r}")
            CHECKS.append(dict(table=title, rows=len(e), values=values, largest_relative_difference=worst_rel,
                               largest_share_of_tolerance=worst_share, problems=len(problems), first_problem=(problems or [""])[0]))
            verdict = "agree" if not problems else f"{len(problems)} DISAGREEMENTS"
            print(f"{title}: {len(e)} rows, {values} values compared, largest relative difference {worst_rel:.1e} "
                  f"({worst_share:.1%} of the tolerance): {verdict}")
            for p in problems[:10]:
                print("   ", p)


        def side_by_side(engine, ours, keys, columns, n=8):
            """The first n rows with each column from Scorecard and recomputed next to each other."""
            merged = engine[keys + columns].merge(ours[keys + columns], on=keys, how="left",
                                                   suffixes=(" (Scorecard)", " (recomputed)"))
            return merged[keys + [f"{c} ({s})" for c in columns for s in ("Scorecard", "recomputed")]].head(n)
        """#

    // MARK: - Trend

    static let trendIntro = #"""
        ## Trend

        **What METHODS.md asks.** For each team and measure with at least 3 present values: an OLS of
        the value on `t`, the period's index in calendar periods from the window's first period (a
        missing month leaves a gap in `t`, it does not close up). Reported: `n`; `slope` (per period);
        `intercept` (at t = 0); the slope's standard error `slope_se`; `t`; the two-sided `p_value`
        on n − 2 degrees of freedom; the 95% confidence interval `ci_low`..`ci_high`; `r2`. A constant
        series has slope 0, the value as intercept, standard error 0, interval 0 to 0, and no t, p or
        R². `direction` is `improving` / `declining` when p < 0.05 and the slope's sign is good / bad
        for the measure (the scorecard's `direction`; measures not in it count as higher-is-better),
        otherwise `flat`.

        **Reference.** `statsmodels.api.OLS(y, sm.add_constant(t)).fit()`.

        First, Scorecard's own table, exactly as `scorecard trend --format json` wrote it:
        """#

    static let trendRecomputeIntro = #"""
        Now the same table recomputed, series by series, with statsmodels:
        """#

    static let trendRecompute = #"""
        TREND_COLUMNS = ["team", "measure", "n", "slope", "intercept", "slope_se", "t", "p_value",
                         "ci_low", "ci_high", "r2", "direction"]


        def trend_row(team, measure, y_full):
            present = ~np.isnan(y_full)
            n = int(present.sum())
            if n < 3:
                return None                                   # fewer than 3 values: no row
            t = np.arange(len(y_full), dtype=float)[present]  # calendar index, gaps kept
            y = y_full[present]
            row = dict.fromkeys(TREND_COLUMNS, np.nan)
            row.update(team=team, measure=measure, n=n)
            if np.all(y == y[0]):                             # constant series
                row.update(slope=0.0, intercept=float(y[0]), slope_se=0.0, ci_low=0.0, ci_high=0.0, direction="flat")
                return row
            res = sm.OLS(y, sm.add_constant(t, has_constant="add")).fit()
            ci = res.conf_int(alpha=0.05)
            slope, p = float(res.params[1]), float(res.pvalues[1])
            row.update(slope=slope, intercept=float(res.params[0]), slope_se=float(res.bse[1]), t=float(res.tvalues[1]),
                       p_value=p, ci_low=float(ci[1][0]), ci_high=float(ci[1][1]), r2=float(res.rsquared))
            good = slope > 0 if direction(measure) == "higher" else slope < 0
            bad = slope < 0 if direction(measure) == "higher" else slope > 0
            row["direction"] = "improving" if p < 0.05 and good else "declining" if p < 0.05 and bad else "flat"
            return row


        OURS["trend"] = pd.DataFrame([r for team in TEAMS for m in MEASURES if (r := trend_row(team, m, series(team, m)))],
                                     columns=TREND_COLUMNS)
        print(f"{len(OURS['trend'])} trend lines recomputed")
        """#

    static let trendCompare = #"""
        compare("trend", ENGINE["trend"], OURS["trend"], ["team", "measure"],
                numbers=["slope", "intercept", "slope_se", "t", "ci_low", "ci_high", "r2"],
                probabilities=["p_value"], exact=["n", "direction"])
        side_by_side(ENGINE["trend"], OURS["trend"], ["team", "measure"], ["slope", "p_value", "direction"])
        """#

    static let trendPlotIntro = #"""
        **Pictures.** How many teams improve, stay flat or decline on each measure; then, for the
        ROI's return measure (or the first measure), the four teams with the strongest trends, their
        data and Scorecard's fitted lines.
        """#

    static let trendPlot = #"""
        trend = OURS["trend"]
        if len(trend):
            order = [m for m in MEASURES if m in set(trend["measure"])]
            counts = (trend.groupby(["measure", "direction"]).size().unstack(fill_value=0)
                      .reindex(index=order, columns=["improving", "flat", "declining"], fill_value=0))
            fig, ax = plt.subplots(figsize=(9, 0.45 * len(counts) + 1.6))
            left = np.zeros(len(counts))
            for name, colour in [("improving", "tab:green"), ("flat", "tab:gray"), ("declining", "tab:red")]:
                ax.barh([plain(m) for m in counts.index], counts[name], left=left, color=colour, label=name)
                left += counts[name].to_numpy()
            ax.invert_yaxis()
            ax.set_xlabel("teams (count)")
            ax.set_ylabel("measure")
            ax.set_title(f"Trend direction per measure, {LABELS[0]} to {LABELS[-1]} (p < 0.05)")
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
            plt.show()

            focus = ROI["return"] if ROI and ROI.get("return") in set(trend["measure"]) else trend["measure"].iloc[0]
            top = ENGINE["trend"][ENGINE["trend"]["measure"] == focus].copy()
            top = top.assign(strength=top["t"].abs().fillna(0)).sort_values("strength", ascending=False).head(4)
            fig, ax = plt.subplots(figsize=(9, 4.5))
            t = np.arange(P)
            for _, r in top.iterrows():
                points, = ax.plot(t, series(r["team"], focus), "o", ms=3,
                                  label=plain(f"{r['team']}: {r['slope']:+.4g} {unit(focus)} per {FREQ}"))
                ax.plot(t, r["intercept"] + r["slope"] * t, "-", color=points.get_color())
            ax.set_xlabel(f"t ({FREQ}s since {LABELS[0]})")
            ax.set_ylabel(plain(f"{focus} ({unit(focus)})"))
            ax.set_title(plain(f"Strongest {focus} trends: data (dots) and Scorecard's OLS lines"))
            ax.legend(fontsize="small")
            plt.show()
        """#

    // MARK: - Lead-lag

    static let leadLagIntro = #"""
        ## Lead-lag: do leading measures lead?

        **What METHODS.md asks**, for each strategy-map link leader X → lagger Y and each lag
        k = 0..K:

        * **Pooled lag correlation**: all pairs (x[i,t], y[i,t+k]) with both present; OLS of
          y[i,t+k] on x[i,t] with *two-way fixed effects* (a dummy per team and per calendar period
          of y, one period dummy dropped; with one team just a constant). Reported: N, the slope's t,
          its two-sided p on the residual df = N − teams − periods + 1 − 1, and the partial
          correlation r = t / √(t² + df). Undefined when df < 1 or the design is rank-deficient.
        * **Best lag**: k in 1..K with the largest |r| (ties within 1e-10 relative: the smaller k),
          among the lags whose sample spans at least half as many periods as the widest lag sample
          and leaves at least 10 residual df. A measure with no variation between teams is absorbed
          by the period effects: its pairs' statistics are undefined (docs/DECISIONS.md).
        * **Granger test**: unrestricted y[i,t] ~ fixed effects + y[i,t−1..t−p] + x[i,t−1..t−p];
          restricted without the x lags; F = ((SSR_r − SSR_u)/p) / (SSR_u/df_u). The order p in
          1..min(K, 6) minimises the unrestricted model's BIC (statsmodels `.bic`), all candidates
          fitted on the common sample of the largest p that leaves df ≥ 1; the F test at the chosen
          p uses every row complete for that p. The reverse test (Y → X) uses the same p.
        * **Benjamini-Hochberg** q-values over all defined forward and reverse Granger p-values
          (`multipletests(p, method='fdr_bh')`).
        * **Verdict**: `insufficient data` (no Granger test, or a significant one whose sign cannot be
          checked), `supported` (forward q < 0.05 and best-lag r of the link's sign),
          `contradicted` (forward q < 0.05, opposite sign), `reversed` (only the reverse q < 0.05),
          else `not supported`.

        **Reference.** statsmodels OLS with explicit team and period dummy columns; for one team
        without gaps the Granger F equals `grangercausalitytests(...)[p][0]['ssr_ftest']`.

        Scorecard's two tables, the summary (`scorecard leadlag`) and the per-lag table
        (`scorecard leadlag --per-lag`):
        """#

    static let leadLagRecomputeIntro = #"""
        The pairs are the scorecard's links, read here from the YAML and checked against the ones
        Scorecard tested; K is the export's `--max-lag` or the frequency's default. Then every
        regression above, fitted with statsmodels:
        """#

    static let leadLagRecompute = #"""
        SIGNS = {"positive": 1, "+": 1, "negative": -1, "-": -1}
        DEFAULT_K = {"month": 12, "quarter": 4, "week": 13, "year": 3, "day": 7}
        K = PARAMS["leadlag"]["max_lag"]
        if PARAMS["leadlag"]["max_lag_option"] is None:
            assert K == DEFAULT_K[FREQ], (K, FREQ)
        PAIRS = [(l["from"], l["to"], SIGNS[str(l["sign"])] if l.get("sign") is not None else None) for l in LINKS]
        assert PAIRS == [(p["leader"], p["lagger"], SIGNS.get(p["sign"])) for p in PARAMS["leadlag"]["pairs"]], PAIRS


        def fe_ols(frame, ycol, xcols):
            """OLS of ycol on xcols + team dummies + period dummies (first period dropped); one team: a
            constant. None when the sample is empty, df < 1 or the design is rank-deficient."""
            n = len(frame)
            if n == 0:
                return None
            teams = sorted(set(frame["team"]))
            if len(teams) == 1:
                fe = np.ones((n, 1))
            else:
                td = pd.get_dummies(pd.Categorical(frame["team"], categories=teams)).to_numpy(dtype=float)
                periods = sorted(set(frame["period"]))
                pdum = pd.get_dummies(pd.Categorical(frame["period"], categories=periods)).to_numpy(dtype=float)
                fe = np.hstack([td, pdum[:, 1:]])
            design = np.hstack([frame[xcols].to_numpy(dtype=float), fe])
            k = design.shape[1]
            if n - k < 1 or np.linalg.matrix_rank(design) < k:
                return None
            return sm.OLS(frame[ycol].to_numpy(dtype=float), design).fit()


        def lag_frame(leader, lagger, k):
            """(team, period of y, x[i,t], y[i,t+k]) with both present."""
            recs = []
            for team in TEAMS:
                x, y = series(team, leader), series(team, lagger)
                for t in range(P - k):
                    if not np.isnan(x[t]) and not np.isnan(y[t + k]):
                        recs.append((team, t + k, x[t], y[t + k]))
            return pd.DataFrame(recs, columns=["team", "period", "x", "y"])


        def pooled_lag_rows(leader, lagger):
            rows = []
            for k in range(K + 1):
                fr = lag_frame(leader, lagger, k)
                row = dict(leader=leader, lagger=lagger, lag=k, n=len(fr), r=np.nan, t=np.nan, p_value=np.nan)
                res = fe_ols(fr, "y", ["x"])
                if res is not None:
                    tv, df = float(res.tvalues[0]), float(res.df_resid)
                    row.update(t=tv, p_value=float(res.pvalues[0]), r=tv / math.sqrt(tv * tv + df))
                rows.append(row)
            return rows


        def granger_frame(series_by_team, p):
            """(team, period, y_t, y_{t-1..t-p}, x_{t-1..t-p}) with every term present."""
            names = ["y"] + [f"y_l{j}" for j in range(1, p + 1)] + [f"x_l{j}" for j in range(1, p + 1)]
            recs = []
            for team, (y, x) in series_by_team.items():
                for t in range(p, len(y)):
                    vals = [y[t]] + [y[t - j] for j in range(1, p + 1)] + [x[t - j] for j in range(1, p + 1)]
                    if not np.any(np.isnan(vals)):
                        recs.append([team, t] + vals)
            return pd.DataFrame(recs, columns=["team", "period"] + names)


        def n_effects(frame):
            teams = frame["team"].nunique()
            return 1 if teams == 1 else teams + frame["period"].nunique() - 1


        def granger_f(series_by_team, p):
            fr = granger_frame(series_by_team, p)
            ylags, xlags = [f"y_l{j}" for j in range(1, p + 1)], [f"x_l{j}" for j in range(1, p + 1)]
            ru, rr = fe_ols(fr, "y", ylags + xlags), fe_ols(fr, "y", ylags)
            if ru is None or rr is None:
                return np.nan, np.nan
            F = ((rr.ssr - ru.ssr) / p) / (ru.ssr / ru.df_resid)
            return float(F), float(st.f.sf(F, p, ru.df_resid))


        def granger(series_by_team, pmax):
            """(chosen p, F, p-value) of the panel Granger test, or None when undefined."""
            pstar = next((p for p in range(pmax, 0, -1)
                          if len(fr := granger_frame(series_by_team, p)) and len(fr) - n_effects(fr) - 2 * p >= 1), None)
            if pstar is None:
                return None
            common = granger_frame(series_by_team, pstar)
            bics = []
            for p in range(1, pstar + 1):
                res = fe_ols(common, "y", [f"y_l{j}" for j in range(1, p + 1)] + [f"x_l{j}" for j in range(1, p + 1)])
                if res is None:
                    return None
                bics.append(float(res.bic))
            p = 1 + min(range(len(bics)), key=lambda i: (bics[i], i))   # smallest BIC, ties: smaller p
            F, pv = granger_f(series_by_team, p)
            return p, F, pv


        def eligible_lags(leader, lagger):
            """Lags that may be the best lag: the sample spans at least half as many periods of y as the
            widest lag sample, and leaves at least 10 residual df (docs/DECISIONS.md, issue #14)."""
            shapes = {}
            for k in range(K + 1):
                fr = lag_frame(leader, lagger, k)
                if len(fr) == 0:
                    shapes[k] = (0, -1)
                    continue
                teams, periods = fr["team"].nunique(), fr["period"].nunique()
                shapes[k] = (periods, len(fr) - (1 if teams == 1 else teams + periods - 1) - 1)
            span = max(p for p, _ in shapes.values())
            return {k for k, (p, df) in shapes.items() if 2 * p >= span and df >= 10}


        def best_lag(rows, eligible):
            defined = [r for r in rows if r["lag"] >= 1 and not np.isnan(r["r"]) and r["lag"] in eligible]
            if not defined:
                return None
            top = max(abs(r["r"]) for r in defined)
            return next(r for r in defined if abs(r["r"]) >= top * (1 - 1e-10))


        def verdict(s, sign):
            if np.isnan(s["granger_p"]):
                return "insufficient data"
            if s["granger_q"] < 0.05:
                if sign is None:
                    return "supported"
                if np.isnan(s["r"]):
                    return "insufficient data"
                return "supported" if s["r"] * sign > 0 else "contradicted"
            if not np.isnan(s["reverse_q"]) and s["reverse_q"] < 0.05:
                return "reversed"
            return "not supported"


        LEADLAG_COLUMNS = ["leader", "lagger", "best_lag", "r", "p_value", "granger_lags", "granger_f", "granger_p",
                           "granger_q", "reverse_f", "reverse_p", "reverse_q", "verdict"]
        lag_rows, summaries = [], []
        for leader, lagger, sign in PAIRS:
            rows = pooled_lag_rows(leader, lagger)
            # A measure the same for every team is absorbed by the period effects: r is rounding noise.
            flat = len(TEAMS) > 1 and not (varies_between_teams(leader) and varies_between_teams(lagger))
            if flat:
                for row in rows:
                    row.update(r=np.nan, t=np.nan, p_value=np.nan)
            lag_rows += rows
            s = dict.fromkeys(LEADLAG_COLUMNS, np.nan)
            s.update(leader=leader, lagger=lagger)
            if (b := best_lag(rows, eligible_lags(leader, lagger))) is not None:
                s.update(best_lag=b["lag"], r=b["r"], p_value=b["p_value"])
            forward = {tm: (series(tm, lagger), series(tm, leader)) for tm in TEAMS}
            if not flat and (g := granger(forward, min(K, 6))) is not None:
                s.update(granger_lags=g[0], granger_f=g[1], granger_p=g[2])
                reverse = {tm: (series(tm, leader), series(tm, lagger)) for tm in TEAMS}
                s["reverse_f"], s["reverse_p"] = granger_f(reverse, g[0])
            summaries.append(s)
        family = [(i, key) for i, s in enumerate(summaries) for key in ("granger_p", "reverse_p") if not np.isnan(s[key])]
        if family:
            q = multipletests([summaries[i][key] for i, key in family], method="fdr_bh")[1]
            for (i, key), qv in zip(family, q):
                summaries[i]["granger_q" if key == "granger_p" else "reverse_q"] = float(qv)
        for s, (_, _, sign) in zip(summaries, PAIRS):
            s["verdict"] = verdict(s, sign)
        OURS["leadlag_lags"] = pd.DataFrame(lag_rows, columns=["leader", "lagger", "lag", "n", "r", "t", "p_value"])
        OURS["leadlag"] = pd.DataFrame(summaries, columns=LEADLAG_COLUMNS)
        OURS["leadlag"][["leader", "lagger", "best_lag", "granger_lags", "verdict"]]
        """#

    static let leadLagCompare = #"""
        compare("leadlag_lags", ENGINE["leadlag_lags"], OURS["leadlag_lags"], ["leader", "lagger", "lag"],
                numbers=["r", "t"], probabilities=["p_value"], exact=["n"])
        compare("leadlag", ENGINE["leadlag"], OURS["leadlag"], ["leader", "lagger"],
                numbers=["r", "granger_f", "reverse_f"],
                probabilities=["p_value", "granger_p", "granger_q", "reverse_p", "reverse_q"],
                exact=["best_lag", "granger_lags", "verdict"])
        side_by_side(ENGINE["leadlag"], OURS["leadlag"], ["leader", "lagger"], ["granger_f", "granger_q", "verdict"])
        """#

    static let leadLagPlotIntro = #"""
        **Pictures.** The partial correlation by lag for each link (recomputed: lines; Scorecard:
        dots), and the strength of the Granger evidence each way.
        """#

    static let leadLagPlot = #"""
        lags, summary = OURS["leadlag_lags"], OURS["leadlag"]
        if len(summary):
            fig, ax = plt.subplots(figsize=(9, 4.8))
            for leader, lagger, _ in PAIRS:
                ours = lags[(lags["leader"] == leader) & (lags["lagger"] == lagger)]
                theirs = ENGINE["leadlag_lags"][(ENGINE["leadlag_lags"]["leader"] == leader) & (ENGINE["leadlag_lags"]["lagger"] == lagger)]
                line, = ax.plot(ours["lag"], ours["r"], "-", label=plain(f"{leader} → {lagger}"))
                ax.plot(theirs["lag"], theirs["r"].astype(float), "o", ms=4, color=line.get_color())
            ax.axhline(0, color="black", lw=0.6)
            ax.set_xlabel(f"lag k ({FREQ}s by which the lagger trails the leader)")
            ax.set_ylabel("partial correlation r (−1 to 1)")
            ax.set_title("Pooled lag correlation with team and period effects")
            ax.legend(fontsize="small")
            plt.show()

            fig, ax = plt.subplots(figsize=(9, 0.55 * len(summary) + 1.6))
            ypos = np.arange(len(summary))
            strength = lambda q: -np.log10(np.clip(q.astype(float), 1e-300, 1))
            ax.barh(ypos - 0.2, strength(summary["granger_q"]), height=0.4, label="leader → lagger (forward)")
            ax.barh(ypos + 0.2, strength(summary["reverse_q"]), height=0.4, label="lagger → leader (reverse)")
            ax.axvline(-math.log10(0.05), color="red", ls="--", lw=1, label="q = 0.05")
            ax.set_yticks(ypos, [plain(f"{a} → {b}: {v}") for a, b, v in zip(summary["leader"], summary["lagger"], summary["verdict"])])
            ax.invert_yaxis()
            ax.set_xlabel("−log10 q (Benjamini-Hochberg); right of the dashed line: q < 0.05")
            ax.set_title("Granger tests")
            ax.legend(fontsize="small", loc="lower right")
            plt.show()
        """#

    // MARK: - ROI, rank and quartiles

    static let roiIntro = #"""
        ## Sales ROI

        **What METHODS.md asks.** Per team over the window: return and cost each summed over their
        present values; ROI = (return − cost) / cost. A team with no return or no cost values has no
        ROI (note `no data`), nor one with cost ≤ 0 (note `cost <= 0`); such teams are `excluded`.
        Rank = 1 + the number of teams with a strictly greater ROI (pandas
        `rank(method='min', ascending=False)`). Quartile edges are
        `numpy.percentile(roi, [25, 50, 75])` (linear); Q1 (top) if roi > q75, Q2 if q50 < roi ≤ q75,
        Q3 if q25 < roi ≤ q50, Q4 if roi ≤ q25 (the bins of `pandas.qcut(roi, 4)`, top labelled Q1).

        The ROI measures come from the scorecard's `roi` entry, checked against the ones Scorecard used:
        """#

    static let roi = #"""
        assert ROI and {"return": ROI["return"], "cost": ROI["cost"]} == PARAMS["roi"], (ROI, PARAMS["roi"])
        RANK_COLUMNS = ["rank", "team", "roi", "return", "cost", "quartile", "note"]


        def aggregate(values, how):
            v = values[~np.isnan(values)]
            if len(v) == 0:
                return None
            return float(v.sum()) if how == "sum" else float(v.mean()) if how == "mean" else float(v[-1])


        def ranking():
            rows = []
            for team in TEAMS:
                r, c = aggregate(series(team, ROI["return"]), "sum"), aggregate(series(team, ROI["cost"]), "sum")
                row = {"rank": None, "team": team, "roi": None, "return": r, "cost": c, "quartile": "excluded", "note": None}
                if r is None or c is None:
                    row["note"] = "no data"
                elif c <= 0:
                    row["note"] = "cost <= 0"
                else:
                    row["roi"] = (r - c) / c
                rows.append(row)
            ranked = [row for row in rows if row["roi"] is not None]
            if ranked:
                roi = pd.Series([row["roi"] for row in ranked])
                q25, q50, q75 = np.percentile(roi.to_numpy(), [25, 50, 75])
                for row, rk in zip(ranked, roi.rank(method="min", ascending=False)):
                    v = row["roi"]
                    row["rank"] = int(rk)
                    row["quartile"] = "Q1" if v > q75 else "Q2" if v > q50 else "Q3" if v > q25 else "Q4"
                edges = np.percentile(roi.to_numpy(), [0, 25, 50, 75, 100])
                if len(ranked) >= 4 and len(set(edges.tolist())) == 5:    # cross-check with pandas.qcut
                    assert list(pd.qcut(roi, 4, labels=["Q4", "Q3", "Q2", "Q1"]).astype(str)) == [r["quartile"] for r in ranked]
            rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["team"]))
            return pd.DataFrame(rows, columns=RANK_COLUMNS)


        OURS["rank"] = ranking()
        print(f"ROI = (Σ {ROI['return']} − Σ {ROI['cost']}) / Σ {ROI['cost']} over {LABELS[0]} to {LABELS[-1]}: "
              f"{OURS['rank']['roi'].notna().sum()} of {len(TEAMS)} teams have one")
        """#

    static let rankIntro = #"""
        ### Rank

        Scorecard's table (`scorecard rank --format json`), then the comparison with the ranking
        recomputed above:
        """#

    static let rankCompare = #"""
        compare("rank", ENGINE["rank"], OURS["rank"], ["team"], numbers=["roi", "return", "cost"],
                exact=["rank", "quartile", "note"])
        side_by_side(ENGINE["rank"], OURS["rank"], ["team"], ["rank", "roi", "quartile"])
        """#

    static let rankPlot = #"""
        ranked = OURS["rank"].dropna(subset=["roi"])
        if len(ranked):
            colours = {"Q1": "tab:green", "Q2": "tab:olive", "Q3": "tab:orange", "Q4": "tab:red"}
            fig, ax = plt.subplots(figsize=(10, 4.5))
            ax.bar(np.arange(1, len(ranked) + 1), ranked["roi"].astype(float) * 100,
                   color=[colours[q] for q in ranked["quartile"]])
            for edge in np.percentile(ranked["roi"].astype(float), [25, 50, 75]):
                ax.axhline(edge * 100, color="black", ls=":", lw=0.8)
            ax.legend(handles=[plt.Rectangle((0, 0), 1, 1, color=c) for c in colours.values()], labels=list(colours),
                      title="quartile", loc="upper right")
            ax.set_xlabel("team position, best ROI first (dotted: quartile edges)")
            ax.set_ylabel("sales ROI (%): (Σ return − Σ cost) / Σ cost × 100")
            ax.set_title(plain(f"Sales ROI by team, {LABELS[0]} to {LABELS[-1]} ({ROI['return']} vs {ROI['cost']})"))
            plt.show()
        """#

    static let quartilesIntro = #"""
        ### Top vs bottom quartile

        **What METHODS.md asks.** The first row is `roi`, then each scorecard measure present in the
        data, in scorecard order. Each team's window is reduced to one number by the measure's
        aggregation (`sum`, `mean`, or `last`: the last present value). Q1 (top) against Q4 (bottom)
        by ROI: group sizes and means, `ratio` = top/bottom mean (undefined when the bottom mean ≤ 0),
        `difference`; Cohen's d with the pooled SD (n − 1 denominators); Welch's t, df and p
        (`scipy.stats.ttest_ind(top, bottom, equal_var=False)`, needs n ≥ 2 in both groups and some
        variance); the Mann-Whitney U of the top group and its p (`scipy.stats.mannwhitneyu(top,
        bottom, alternative='two-sided', method='asymptotic', use_continuity=True)`); and
        Benjamini-Hochberg q-values over the measures' Welch p-values (the ROI row defines the groups,
        so it has no q). A measure with no variation between teams (the same value for every team in
        every period, within 1e-12 relative: a national index) has its tests undefined and stays out
        of the BH family (docs/DECISIONS.md).

        Scorecard's table (`scorecard quartiles --format json`):
        """#

    static let quartilesRecompute = #"""
        QUARTILE_COLUMNS = ["measure", "top_n", "bottom_n", "top_mean", "bottom_mean", "ratio", "difference", "cohens_d",
                            "welch_t", "welch_df", "p_value", "mw_u", "mw_p", "q_value"]


        def top_vs_bottom(measure, top, bottom):
            top, bottom = np.asarray(top, float), np.asarray(bottom, float)
            n1, n2 = len(top), len(bottom)
            row = dict.fromkeys(QUARTILE_COLUMNS, np.nan)
            row.update(measure=measure, top_n=n1, bottom_n=n2)
            if n1:
                row["top_mean"] = float(top.mean())
            if n2:
                row["bottom_mean"] = float(bottom.mean())
            if n1 and n2:
                row["difference"] = row["top_mean"] - row["bottom_mean"]
                if row["bottom_mean"] > 0:
                    row["ratio"] = row["top_mean"] / row["bottom_mean"]
            if n1 >= 2 and n2 >= 2:
                v1, v2 = top.var(ddof=1), bottom.var(ddof=1)
                pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2)
                if pooled > 0:
                    row["cohens_d"] = (row["top_mean"] - row["bottom_mean"]) / math.sqrt(pooled)
                if v1 / n1 + v2 / n2 > 0:
                    res = st.ttest_ind(top, bottom, equal_var=False)
                    row.update(welch_t=float(res.statistic), welch_df=float(res.df), p_value=float(res.pvalue))
            if n1 and n2:
                mw = st.mannwhitneyu(top, bottom, alternative="two-sided", method="asymptotic", use_continuity=True)
                row.update(mw_u=float(mw.statistic), mw_p=float(mw.pvalue))
            return row


        groups = ranking()
        top_teams = list(groups.loc[groups["quartile"] == "Q1", "team"])
        bottom_teams = list(groups.loc[groups["quartile"] == "Q4", "team"])
        roi_of = dict(zip(groups["team"], groups["roi"]))
        rows = [top_vs_bottom("roi", [roi_of[t] for t in top_teams], [roi_of[t] for t in bottom_teams])]
        for m in SPECS:
            if m not in MEASURES:
                continue
            def reduced(teams):
                values = [aggregate(series(t, m), aggregation(m)) for t in teams]
                return [v for v in values if v is not None]
            row = top_vs_bottom(m, reduced(top_teams), reduced(bottom_teams))
            if not varies_between_teams(m):
                # The same value for every team in every period: any t or U is rounding noise.
                row.update(cohens_d=np.nan, welch_t=np.nan, welch_df=np.nan, p_value=np.nan, mw_u=np.nan, mw_p=np.nan)
                print(f"{m}: no variation between teams: tests undefined, left out of the BH family")
            rows.append(row)
        family = [i for i, r in enumerate(rows) if i > 0 and not np.isnan(r["p_value"])]
        if family:
            for i, q in zip(family, multipletests([rows[i]["p_value"] for i in family], method="fdr_bh")[1]):
                rows[i]["q_value"] = float(q)
        OURS["quartiles"] = pd.DataFrame(rows, columns=QUARTILE_COLUMNS)
        print(f"top quartile: {len(top_teams)} teams, bottom quartile: {len(bottom_teams)} teams")
        """#

    static let quartilesCompare = #"""
        compare("quartiles", ENGINE["quartiles"], OURS["quartiles"], ["measure"],
                numbers=["top_mean", "bottom_mean", "ratio", "difference", "cohens_d", "welch_t", "welch_df", "mw_u"],
                probabilities=["p_value", "mw_p", "q_value"], exact=["top_n", "bottom_n"])
        side_by_side(ENGINE["quartiles"], OURS["quartiles"], ["measure"], ["cohens_d", "p_value", "q_value"], n=20)
        """#

    static let quartilesPlot = #"""
        measures = OURS["quartiles"].iloc[1:]
        if len(measures):
            fig, ax = plt.subplots(figsize=(9, 0.45 * len(measures) + 1.6))
            significant = measures["q_value"].astype(float) < 0.05
            ax.barh([plain(m) for m in measures["measure"]], measures["cohens_d"].astype(float),
                    color=["tab:blue" if s else "tab:gray" for s in significant])
            ax.axvline(0, color="black", lw=0.6)
            ax.invert_yaxis()
            ax.set_xlabel("Cohen's d: top minus bottom quartile mean, in pooled standard deviations")
            ax.set_ylabel("measure (blue: BH q < 0.05)")
            ax.set_title("What separates the top ROI quartile from the bottom one")
            plt.show()
        """#

    // MARK: - Forecast

    static let forecastIntro = #"""
        ## Forecast

        **What METHODS.md asks.** A direct multi-horizon pooled ARX, one OLS per horizon h = 1..H:
        z[i,t+h] ~ team + team·t + season(t+h) + z[i,t..t−p+1] + x_d[i,t..t−p+1]. The scale z is the log
        of the target when every value is > 0 and the teams' mean absolute one-step change grows with
        their mean level (elasticity ≥ 0.5), else the level; on the log scale a driver is logged when all
        its values are > 0. Season dummies: the target period's month (quarter, the week's Thursday's
        month, weekday); none for yearly data. Team trends (team dummy × t, for teams with 3 rows or more)
        are kept at a horizon when they forecast better over the calibration window: the 6 latest
        earlier origins c (c + h ≤ L), each a refit on the data up to c, scored by mean |error| / s_ic.
        Every team forecasts from the last period L. Interval z ± q·√v, v = statsmodels `se_obs`²; q is
        the ⌈(n+1)(1−α)⌉-th smallest of the window's n standardised errors |z − ẑ|/√v (n ≥ 20), else
        t(1−α/2, df), α = 1 − `--confidence`. On the log scale the forecast is exp(ẑ + v/2), the bounds exp of the bounds. The
        organisation figure (sum or mean by the target's aggregation) has variance
        V = s²[Σw² + ρ((Σw)² − Σw²)] + w′X0·cov_params·X0′w, w the delta-method weights, ρ the
        residuals' mean cross-team correlation, widened by κ² from the window.

        **Backtest** (origins o = L−B .. L−1): everything above decided and refitted on the data up to o;
        rows for `arx`, `naive` (y[o]), `snaive` (y[o+h−S]) and `total` (the organisation figure, where
        every team has an actual). MAPE in percent; MASE = mean |error| / s_io, team i's own mean absolute
        one-step change up to o; coverage of the interval. The export's `--transform`, `--seasonal`,
        `--team-trends`, `--calibration` and `--confidence` (in `PARAMS["forecast"]`) fix what `auto` would
        decide, exactly as they do for `scorecard forecast`.

        Scorecard's forecast (team rows, as in `scorecard forecast --format csv`) and, when the export
        asked for one, its backtest:
        """#

    static let forecastRecompute = #"""
        FC = PARAMS["forecast"]
        TARGET = FC["target_option"] or ROI["return"]
        DRIVERS = FC["drivers_option"] if FC["drivers_option"] is not None else \
            list(dict.fromkeys(l["from"] for l in LINKS if l["to"] == TARGET and l["from"] != TARGET))
        LAGS, H, B, ALPHA = FC["lags"], FC["horizon"], FC["backtest"], 1 - FC["confidence"]
        assert (TARGET, DRIVERS) == (FC["target"], FC["drivers"]), (TARGET, DRIVERS, FC)
        MEASURES_FC = [TARGET] + DRIVERS
        AGG = aggregation(TARGET)
        K_WINDOW = 6
        SEASON_LENGTH = {"month": 12, "quarter": 4, "week": 52, "day": 7}
        TRANSFORM, TEAM_TRENDS, CALIBRATION = FC["transform"], FC["team_trends"], FC["calibration"]
        SEASONAL = FC["seasonal"] == "auto" and FREQ in SEASON_LENGTH
        SER = {m: {team: series(team, m) for team in TEAMS} for m in MEASURES_FC}
        print(f"target {TARGET} ({AGG}); drivers {DRIVERS}; {LAGS} lags; horizons 1..{H}; backtest origins {B}; "
              f"--transform {TRANSFORM} --seasonal {FC['seasonal']} --team-trends {TEAM_TRENDS} --calibration {CALIBRATION} "
              f"--confidence {FC['confidence']}")


        def season_slot(index):
            """Month of year, quarter, month of the ISO week's Thursday, weekday (Monday 0); None for years."""
            if FREQ == "month":
                return index % 12
            if FREQ == "quarter":
                return index % 4
            if FREQ == "week":
                return (dt.date.fromordinal(index * 7 + 1) + dt.timedelta(days=3)).month - 1
            if FREQ == "day":
                return dt.date.fromordinal(index).weekday()
            return None


        def first_nonpositive(m, o):
            return any(np.any(SER[m][team][: o + 1] <= 0) for team in TEAMS)


        def elasticity(o):
            """Slope of ln(mean |one-step change|) on ln(mean level) over teams with 3+ changes (None: < 5 teams)."""
            lm, ld = [], []
            for team in TEAMS:
                s = SER[TARGET][team][: o + 1]
                ch = [abs(s[t] - s[t - 1]) for t in range(1, len(s)) if not np.isnan(s[t]) and not np.isnan(s[t - 1])]
                if len(ch) < 3:
                    continue
                m, d = np.nanmean(s), np.mean(ch)
                if m > 0 and d > 0:
                    lm.append(math.log(m))
                    ld.append(math.log(d))
            return float(sm.OLS(np.array(ld), sm.add_constant(np.array(lm))).fit().params[1]) if len(lm) >= 5 else None


        def decide_scale(o):
            """(log target?, log each driver?) decided on the data up to o (`--transform auto`), or as asked."""
            if TRANSFORM == "auto":
                b = None if first_nonpositive(TARGET, o) else elasticity(o)
                log = b is not None and b >= 0.5
            else:
                log = TRANSFORM == "log"
            return (log,) + tuple(log and not first_nonpositive(d, o) for d in DRIVERS)


        def zval(logs, k, team, t):
            v = SER[MEASURES_FC[k]][team][t]
            return math.log(v) if logs[k] else v


        def lag_row(logs, team, t):
            out = []
            for k, m in enumerate(MEASURES_FC):
                for j in range(LAGS):
                    if t - j < 0 or np.isnan(SER[m][team][t - j]):
                        return None
                    out.append(zval(logs, k, team, t - j))
            return out


        def slot(t):
            return season_slot(FIRST + t) if SEASONAL else None


        FITS = {}


        def fit(logs, cutoff, h, trends):
            """OLS with team dummies, team x t (teams with 3+ rows), season dummies and the lags, on rows whose
            target period is at or before `cutoff`; None when there is no row, no df or the design is rank-deficient."""
            key = (logs, cutoff, h, trends)
            if key in FITS:
                return FITS[key]
            rows = [(team, t, zval(logs, 0, team, t + h), reg) for team in TEAMS for t in range(LAGS - 1, cutoff - h + 1)
                    if not np.isnan(SER[TARGET][team][t + h]) and (reg := lag_row(logs, team, t)) is not None]
            FITS[key] = None
            if not rows:
                return None
            teams = [tm for tm in TEAMS if any(r[0] == tm for r in rows)]
            trended = [tm for tm in teams if trends and sum(r[0] == tm for r in rows) >= 3]
            slots = sorted({slot(r[1] + h) for r in rows}) if SEASONAL else []
            dummies = slots[1:]

            def xrow(team, t, reg, s):
                return ([float(team == tm) for tm in teams] + [float(t) if team == tm else 0.0 for tm in trended]
                        + [float(s == d) for d in dummies] + list(reg))

            X = np.array([xrow(r[0], r[1], r[3], slot(r[1] + h)) for r in rows])
            if X.shape[0] - X.shape[1] < 1 or np.linalg.matrix_rank(X) < X.shape[1]:
                return None
            # QR, not statsmodels' default pinv: on the level scale with team trends the dense design is
            # ill-conditioned (dummies beside lags in the target's units), and pinv's ~1e-9 relative error in
            # the forecast became 4e-7 in a bound near 0; QR agrees with Scorecard's within-team fit to ~1e-12.
            res = sm.OLS(np.array([r[2] for r in rows]), X).fit(method="qr")
            tt = np.array([r[1] + h for r in rows])
            num = sum(res.resid[tt == t].sum() ** 2 - (res.resid[tt == t] ** 2).sum() for t in set(tt))
            den = sum((tt == t).sum() * ((tt == t).sum() - 1) for t in set(tt))
            rho = min(1.0, max(0.0, num / (res.scale * den))) if den > 0 else 0.0
            FITS[key] = dict(res=res, xrow=xrow, teams=set(teams), rho=rho, h=h, logs=logs)
            return FITS[key]


        def predict(f, o, teams):
            out = []
            for team in teams:
                if team in f["teams"] and (reg := lag_row(f["logs"], team, o)) is not None:
                    x0 = np.array([f["xrow"](team, o, reg, slot(o + f["h"]))])
                    pr = f["res"].get_prediction(x0)
                    out.append(dict(team=team, z=float(pr.predicted_mean[0]), v=float(pr.se_obs[0] ** 2), x0=x0[0]))
            return out


        def level(logs, z, v):
            return math.exp(z + v / 2) if logs[0] else z


        def organisation(f, preds):
            """The figure by the target's aggregation and its V (rho, delta method on the log scale)."""
            c = 1.0 if AGG == "sum" else 1.0 / len(preds)
            levels = np.array([level(f["logs"], p["z"], p["v"]) for p in preds])
            w = c * levels if f["logs"][0] else np.full(len(preds), c)
            X0 = np.array([p["x0"] for p in preds])
            s2 = f["res"].scale
            V = s2 * ((w ** 2).sum() + f["rho"] * (w.sum() ** 2 - (w ** 2).sum())) + w @ X0 @ f["res"].cov_params() @ X0.T @ w
            return c * levels.sum(), V


        def mase_scale(team, c):
            s = SER[TARGET][team][: c + 1]
            ch = [abs(s[t] - s[t - 1]) for t in range(1, len(s)) if not np.isnan(s[t]) and not np.isnan(s[t - 1])]
            return float(np.mean(ch)) if ch and np.mean(ch) > 0 else None


        def window(logs, o, h):
            """Trends kept where they forecast better; split-conformal q; kappa^2 (the K earlier origins)."""
            origins = list(range(max(0, o - h - K_WINDOW + 1), o - h + 1)) if o - h >= 0 else []

            def tally(trends):
                std, scaled, ratios = [], [], []
                for c in origins:
                    f = fit(logs, c, h, trends)
                    preds = predict(f, c, [tm for tm in TEAMS if not np.isnan(SER[TARGET][tm][c + h])]) if f else []
                    if not preds:
                        continue
                    for p in preds:
                        std.append(abs(zval(logs, 0, p["team"], c + h) - p["z"]) / math.sqrt(p["v"]))
                        if (s := mase_scale(p["team"], c)) is not None:
                            scaled.append(abs(SER[TARGET][p["team"]][c + h] - level(logs, p["z"], p["v"])) / s)
                    actual = [SER[TARGET][p["team"]][c + h] for p in preds]
                    T, V = organisation(f, preds)
                    if V > 0:
                        ratios.append(((sum(actual) if AGG == "sum" else np.mean(actual)) - T) ** 2 / V)
                return std, scaled, ratios

            if TEAM_TRENDS == "auto":
                on, off = tally(True), tally(False)
                trends = len(on[1]) >= 20 and len(off[1]) >= 20 and np.mean(on[1]) < np.mean(off[1])
                std, _, ratios = on if trends else off
            else:
                trends = TEAM_TRENDS == "on"
                std, _, ratios = tally(trends)
            if CALIBRATION == "none":
                return trends, None, 1.0, 0
            rank = math.ceil((len(std) + 1) * (1 - ALPHA))
            q = sorted(std)[rank - 1] if len(std) >= 20 and rank <= len(std) else None
            return trends, q, max(1.0, float(np.mean(ratios))) if len(ratios) >= 3 else 1.0, len(ratios)


        L = P - 1
        LOGS = decide_scale(L)
        print("scale:", "log" if LOGS[0] else "levels")
        forecast_rows = []
        for h in range(1, H + 1):
            trends, q, kappa2, k_win = window(LOGS, L, h)
            f = fit(LOGS, L, h, trends)
            tq = st.t.ppf(1 - ALPHA / 2, f["res"].df_resid)
            q = tq if q is None else q
            print(f"h={h}: team trends {'kept' if trends else 'dropped'}; q = {q:.4f}; kappa^2 = {kappa2:.4f}; rho = {f['rho']:.4f}")
            for p in predict(f, L, TEAMS):
                half = q * math.sqrt(p["v"])
                point, lo, hi = ((level(LOGS, p["z"], p["v"]), math.exp(p["z"] - half), math.exp(p["z"] + half)) if LOGS[0]
                                 else (p["z"], p["z"] - half, p["z"] + half))
                forecast_rows.append(dict(team=p["team"], measure=TARGET, period=period_label(FREQ, FIRST + L + h), horizon=h,
                                          forecast=point, lower=lo, upper=hi))
        OURS["forecast"] = pd.DataFrame(forecast_rows, columns=["team", "measure", "period", "horizon", "forecast", "lower", "upper"])

        if B:
            acc = {(m, h): dict(n=0, ape=[], scaled=[], cov=0) for m in ("arx", "naive", "snaive", "total") for h in range(1, H + 1)}
            S = SEASON_LENGTH.get(FREQ)
            for o in range(L - B, L):
                logs = decide_scale(o)
                for h in range(1, H + 1):
                    if o + h > L:
                        continue
                    trends, q, kappa2, k_win = window(logs, o, h)
                    f = fit(logs, o, h, trends)
                    if f is None:
                        continue
                    tq = st.t.ppf(1 - ALPHA / 2, f["res"].df_resid)
                    q = tq if q is None else q
                    preds = predict(f, o, TEAMS)
                    for p in preds:
                        team, actual = p["team"], SER[TARGET][p["team"]][o + h]
                        if np.isnan(actual):
                            continue
                        half = q * math.sqrt(p["v"])
                        lo, hi = (math.exp(p["z"] - half), math.exp(p["z"] + half)) if logs[0] else (p["z"] - half, p["z"] + half)
                        s = mase_scale(team, o)
                        cands = [("arx", level(logs, p["z"], p["v"])), ("naive", SER[TARGET][team][o])]
                        if S and o + h - S >= 0 and not np.isnan(SER[TARGET][team][o + h - S]):
                            cands.append(("snaive", SER[TARGET][team][o + h - S]))
                        for model, fc in cands:
                            a = acc[(model, h)]
                            a["n"] += 1
                            if actual != 0:
                                a["ape"].append(100 * abs(actual - fc) / abs(actual))
                            if s is not None:
                                a["scaled"].append(abs(actual - fc) / s)
                            a["cov"] += model == "arx" and lo <= actual <= hi
                    members = [p["team"] for p in preds]
                    if members and all(not np.isnan(SER[TARGET][tm][o + h]) for tm in members):
                        T, V = organisation(f, preds)
                        half = (st.t.ppf(1 - ALPHA / 2, k_win) if kappa2 > 1 else tq) * math.sqrt(kappa2 * V)
                        agg = lambda vals: sum(vals) if AGG == "sum" else sum(vals) / len(vals)
                        actual = agg([SER[TARGET][tm][o + h] for tm in members])
                        hist = [None if any(np.isnan(SER[TARGET][tm][t]) for tm in members) else agg([SER[TARGET][tm][t] for tm in members])
                                for t in range(o + 1)]
                        ch = [abs(hist[t] - hist[t - 1]) for t in range(1, o + 1) if hist[t] is not None and hist[t - 1] is not None]
                        a = acc[("total", h)]
                        a["n"] += 1
                        if actual != 0:
                            a["ape"].append(100 * abs(actual - T) / abs(actual))
                        if ch and np.mean(ch) > 0:
                            a["scaled"].append(abs(actual - T) / np.mean(ch))
                        a["cov"] += T - half <= actual <= T + half
            backtest_rows = [dict(model=m, horizon=h, n=acc[(m, h)]["n"], mape=np.mean(acc[(m, h)]["ape"]) if acc[(m, h)]["ape"] else np.nan,
                                  mase=np.mean(acc[(m, h)]["scaled"]) if acc[(m, h)]["scaled"] else np.nan,
                                  coverage=acc[(m, h)]["cov"] / acc[(m, h)]["n"] if m in ("arx", "total") and acc[(m, h)]["n"] else np.nan)
                             for m in ("arx", "naive", "snaive", "total") if m != "snaive" or SEASONAL for h in range(1, H + 1)]
            OURS["forecast_backtest"] = pd.DataFrame(backtest_rows, columns=["model", "horizon", "n", "mape", "mase", "coverage"])
        print(f"{len(OURS['forecast'])} team forecasts recomputed")
        """#

    static let forecastCompare = #"""
        compare("forecast", ENGINE["forecast"], OURS["forecast"], ["team", "horizon"],
                numbers=["forecast", "lower", "upper"], exact=["measure", "period"])
        if B:
            compare("forecast_backtest", ENGINE["forecast_backtest"], OURS["forecast_backtest"], ["model", "horizon"],
                    numbers=["mape", "mase", "coverage"], exact=["n"])
        side_by_side(ENGINE["forecast"], OURS["forecast"], ["team", "horizon"], ["forecast", "lower", "upper"])
        """#

    static let forecastPlot = #"""
        fc = OURS["forecast"]
        if len(fc):
            shown = list(fc[fc["horizon"] == 1].sort_values("forecast", ascending=False)["team"].head(3))
            fig, ax = plt.subplots(figsize=(10, 4.8))
            history = min(P, 12)
            slots = {label: j for j, label in enumerate(period_label(FREQ, FIRST + j) for j in range(P + H + 1))}
            for team in shown:
                y = series(team, TARGET)
                line, = ax.plot(range(P - history, P), y[P - history:], "-o", ms=3, label=plain(f"{team}: actual"))
                f = fc[fc["team"] == team]
                x = [slots[p] for p in f["period"]]
                ax.errorbar(x, f["forecast"], yerr=[f["forecast"] - f["lower"], f["upper"] - f["forecast"]], fmt="s--",
                            capsize=3, color=line.get_color(), label=plain(f"{team}: forecast, {FC['confidence']:.0%} interval"))
            ticks = list(range(P - history, P + H, max(1, (history + H) // 6)))
            ax.set_xticks(ticks, [period_label(FREQ, FIRST + j) for j in ticks], rotation=30)
            ax.set_xlabel(f"period ({FREQ})")
            ax.set_ylabel(plain(f"{TARGET} ({unit(TARGET)} per {FREQ})"))
            ax.set_title(plain(f"{TARGET}: the three largest forecasts, with prediction intervals"))
            ax.legend(fontsize="small")
            plt.show()
        if B and len(OURS["forecast_backtest"]):
            bt = OURS["forecast_backtest"]
            fig, ax = plt.subplots(figsize=(7, 4))
            for offset, model in [(-0.27, "arx"), (0.0, "naive"), (0.27, "snaive")]:
                m = bt[bt["model"] == model]
                ax.bar(m["horizon"] + offset, m["mape"].astype(float), width=0.27,
                       label={"arx": "pooled ARX (Scorecard's model)", "naive": "naive: last value",
                              "snaive": "seasonal naive"}[model])
            ax.set_xticks(range(1, H + 1))
            ax.set_xlabel(f"horizon ({FREQ}s ahead)")
            ax.set_ylabel("MAPE (%)")
            ax.set_ylim(0, 1.3 * np.nanmax(bt["mape"].astype(float).to_numpy(), initial=1.0))
            ax.set_title(f"Backtest over {B} origins: mean absolute percentage error")
            ax.legend(loc="upper left", ncol=2, fontsize="small")
            plt.show()
        """#

    // MARK: - Agreement

    static let agreementIntro = #"""
        ## Agreement

        Every table compared above, in one place. The cell fails (an `AssertionError`) if any
        number differs from its recomputation by more than METHODS.md's tolerance, if a count or a
        label differs, or if a row is missing on either side.
        """#

    static let agreement = #"""
        summary = pd.DataFrame(CHECKS)
        display(summary[["table", "rows", "values", "largest_relative_difference", "largest_share_of_tolerance", "problems"]])
        expected = set(ENGINE)
        assert expected and expected == {c["table"] for c in CHECKS}, f"compared {[c['table'] for c in CHECKS]}, expected {sorted(expected)}"
        failed = [c for c in CHECKS if c["problems"]]
        assert not failed, "disagreements: " + "; ".join(f"{c['table']}: {c['problems']} (first: {c['first_problem']})" for c in failed)
        print(f"AGREEMENT: all {len(CHECKS)} tables ({summary['rows'].sum()} rows, {summary['values'].sum()} values) "
              f"agree with the recomputation within METHODS.md's tolerances.")
        """#
}
