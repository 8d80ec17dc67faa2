/// The Markdown of exported notebooks (see `NotebookExport`): what METHODS.md asks of each
/// analysis and what the next code cell does. The code cells are `NotebookPython`, generated
/// from Sources/Rendering/Notebook/python/*.py; only these texts, those cells and the parameter
/// and result cells `NotebookExport` writes make up a notebook.
enum NotebookMarkdown {
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

    static let scorecardIntro = #"""
        The scorecard, read with PyYAML keeping every value as the text written (as Scorecard does: an
        id `no` or `010` is that text, not a boolean or a number): each measure's direction (is higher better?), its aggregation
        over a window (`sum`, `mean`, `last`), its unit (for the plots), the strategy-map links and the
        ROI definition.
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

    static let trendPlotIntro = #"""
        **Pictures.** How many teams improve, stay flat or decline on each measure; then, for the
        ROI's return measure (or the first measure), the four teams with the strongest trends, their
        data and Scorecard's fitted lines.
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

    static let leadLagPlotIntro = #"""
        **Pictures.** The partial correlation by lag for each link (recomputed: lines; Scorecard:
        dots), and the strength of the Granger evidence each way.
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

    static let rankIntro = #"""
        ### Rank

        Scorecard's table (`scorecard rank --format json`), then the comparison with the ranking
        recomputed above:
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

    // MARK: - Agreement

    static let agreementIntro = #"""
        ## Agreement

        Every table compared above, in one place. The cell fails (an `AssertionError`) if any
        number differs from its recomputation by more than METHODS.md's tolerance, if a count or a
        label differs, or if a row is missing on either side.
        """#
}
