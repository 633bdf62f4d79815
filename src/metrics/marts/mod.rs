//! The marts of one period, built from the sufficient statistics of [`super::cells`]:
//! satisfaction (items, dimensions, CSI, loyalty index), NPS, loyalty, benchmark, drivers,
//! trend and channels. Every figure carries its interval; every comparison (period over
//! period, segment vs rest, competitor gaps, channel differences) gets a p-value, and all
//! p-values of a run are adjusted together (Benjamini–Hochberg q-values). Cells with fewer
//! answers than `min_n` keep their figures but are `suppressed` and never `significant`.

use std::collections::{BTreeMap, HashMap};

use crate::config::{Config, Role};
use crate::frame::{self, DataFrame};
use crate::mart::{self, MartSet};
use crate::period::Period;

use super::cells::{CSI, LOYALTY};
use super::stats::{self, Sums, Test};
use super::MetricsError;

/// The inputs of one analysis (tables read from the lake; `None` when absent).
pub struct Inputs<'a> {
    pub cfg: &'a Config,
    pub period: Period,
    /// The survey answers of one month of the trailing 13 (the period and the 12 before
    /// it), asked for one month at a time (see [`super::scan`]).
    pub responses: &'a super::scan::MonthLoader<'a>,
    pub customers: Option<&'a DataFrame>,
    pub benchmarks: Option<&'a DataFrame>,
    pub invitations: Option<&'a DataFrame>,
    /// Complaints of all months (the churn analysis looks back a year).
    pub complaints: Option<&'a DataFrame>,
    /// The improvement-action log (all months), when one is ingested.
    pub actions: Option<&'a DataFrame>,
    /// Each surveyed customer's mean answer to the overall item (when the churn model
    /// controls for satisfaction; see [`super::complaints::SatisfactionByCustomer`]).
    pub satisfaction_by_customer: Option<&'a std::collections::HashMap<String, f64>>,
}

/// All marts of a period, ready to write.
pub struct Marts {
    pub tables: MartSet,
    /// Notes for the report (e.g. a drivers model that could not be fitted).
    pub notes: Vec<String>,
    /// Survey answers read (all months), for the log.
    pub answers: usize,
}

use super::err;

use super::cells::{BrandCell, Cell, ChannelCell, DriverCase, NpsCell};

/// The order of segments in the marts: everyone first, then the report's segments as
/// configured, then any other (all equal, so a stable sort keeps their order).
fn segment_rank(cfg: &Config, s: &str) -> usize {
    if s == "all" {
        0
    } else {
        1 + cfg
            .report_segments
            .iter()
            .position(|x| x == s)
            .unwrap_or(cfg.report_segments.len())
    }
}

fn minus(a: Sums, b: Sums) -> Sums {
    Sums {
        n: a.n.saturating_sub(b.n),
        sw: a.sw - b.sw,
        sw2: a.sw2 - b.sw2,
        swx: a.swx - b.swx,
        swx2: a.swx2 - b.swx2,
    }
}

/// Welch test between two cells given by their sums.
fn welch_sums(a: Sums, b: Sums, confidence: f64) -> Option<Test> {
    let (x, y) = (
        stats::weighted_mean_ci(a, confidence)?,
        stats::weighted_mean_ci(b, confidence)?,
    );
    testable(stats::welch(x.mean, x.sd?, x.n_eff, y.mean, y.sd?, y.n_eff))
}

/// A comparison of two groups without any variance (every answer the same on both sides)
/// is not tested: SciPy gives p = 0 for different means, which would make two cells of
/// identical answers a headline finding. The marts leave such a comparison without a
/// p-value (and out of the BH family).
fn testable(t: Option<Test>) -> Option<Test> {
    t.filter(|t| t.df.is_some())
}

/// The p-values of a run, each in its family, adjusted by Benjamini–Hochberg within the
/// family at the end. A family is one mart under one weighting (`satisfaction/none`,
/// `satisfaction/raked`, `nps/none`, `benchmark`, `channels`): turning raking on adds a
/// family, it does not move the unweighted q-values.
#[derive(Default)]
struct Family {
    p: Vec<f64>,
    family: Vec<String>,
}

impl Family {
    /// Register a p-value in `family`; returns its slot.
    fn add(&mut self, family: &str, p: Option<f64>) -> Option<usize> {
        p.map(|p| {
            self.p.push(p);
            self.family.push(family.to_string());
            self.p.len() - 1
        })
    }

    /// The q-value of every slot, adjusted within its family.
    fn qvalues(&self) -> Vec<f64> {
        let mut q = vec![f64::NAN; self.p.len()];
        let names: std::collections::BTreeSet<&String> = self.family.iter().collect();
        for name in names {
            let slots: Vec<usize> = (0..self.p.len())
                .filter(|&i| &self.family[i] == name)
                .collect();
            let ps: Vec<f64> = slots.iter().map(|&i| self.p[i]).collect();
            for (&i, qi) in slots.iter().zip(stats::bh_qvalues(&ps)) {
                q[i] = qi;
            }
        }
        q
    }
}

fn q_of(q: &[f64], slot: Option<usize>) -> Option<f64> {
    slot.map(|i| q[i])
}

mod actions;
mod benchmark;
mod channels;
mod drivers;
mod loyalty;
mod satisfaction;
mod trend;

use actions::*;
use benchmark::*;
use channels::*;
use drivers::*;
use loyalty::*;
use satisfaction::*;
use trend::*;

/// Compute every mart of `inp.period`.
/// A note for each source whose rows are dated by the configuration, not by the file: the
/// report says so, since such a month is only as right as the setting.
pub fn dated_sources(cfg: &Config) -> Vec<String> {
    use crate::config::Dated;
    cfg.sources
        .iter()
        .filter_map(|s| {
            let how = match s.dated? {
                Dated::Date(d) => format!("on {d}"),
                Dated::Month(m) => format!("in {m}"),
                Dated::FromFileName => "in the month of each file's name".to_string(),
            };
            Some(format!(
                "{}: the file has no dates; its rows are dated {how} by the configuration",
                s.name
            ))
        })
        .collect()
}

/// The marts of a period without survey answers: the customer file's churn and retention
/// by segment (the loyalty mart without its survey index), and the complaint marts.
pub fn build_without_survey(inp: &Inputs) -> Result<Marts, MetricsError> {
    let mut notes = dated_sources(inp.cfg);
    let mut tables = MartSet::default();
    if inp.customers.is_some() {
        tables.loyalty = Some(loyalty(inp, &[])?);
    }
    tables.merge(complaint_marts(inp, &mut notes)?);
    Ok(Marts {
        tables,
        notes,
        answers: 0,
    })
}

pub fn build(inp: &Inputs) -> Result<Marts, MetricsError> {
    let cfg = inp.cfg;
    let months: Vec<Period> = {
        let mut m = vec![inp.period];
        for _ in 0..12 {
            m.push(m.last().unwrap().prev());
        }
        m
    };
    let alpha = 1.0 - cfg.confidence;
    let mut fam = Family::default();
    let mut notes = dated_sources(cfg);
    let started = std::time::Instant::now();
    let scanned = super::scan::scan(&super::scan::Request {
        cfg,
        period: inp.period,
        months: &months,
        driver_months: DRIVER_MONTHS,
        load: inp.responses,
        customers: inp.customers,
    })?;
    let scan_ms = started.elapsed().as_millis() as u64;
    let sums = &scanned.sums;
    let mut sat = satisfaction_rows(sums, cfg, inp.period, "none", &mut fam);
    let mut nps = nps_rows(&scanned.nps, cfg, inp.period, "none", &mut fam);
    if let Some((wsums, wn)) = &scanned.raked {
        sat.extend(satisfaction_rows(wsums, cfg, inp.period, "raked", &mut fam));
        nps.extend(nps_rows(wn, cfg, inp.period, "raked", &mut fam));
    }
    let overall_nps = nps
        .iter()
        .find(|r| r.segment == "all" && r.weighting == "none")
        .map(|r| r.nps.nps);
    let bench = benchmark_rows(inp, &scanned.brands, &sat, overall_nps, &mut fam)?;
    let chans = channels(inp, &scanned.channels, &mut fam)?;
    let q = fam.qvalues();
    let reference = chans
        .iter()
        .find(|c| c.channel == "web")
        .or_else(|| chans.iter().max_by_key(|c| c.n))
        .map(|c| c.channel.clone())
        .unwrap_or_default();
    let mut tables = MartSet {
        satisfaction: Some(satisfaction_mart(cfg, &sat, &q, inp.period, alpha)),
        nps: Some(nps_mart(&nps, &q, inp.period, alpha)),
        loyalty: Some(loyalty(inp, &sat)?),
        benchmark: Some(benchmark_mart(&bench, &q, inp.period, alpha)),
        drivers: Some(drivers(inp, &scanned.drivers, &mut notes)?),
        trend: Some(trend(inp, sums, &scanned.nps)),
        channels: Some(channels_mart(&chans, &q, inp.period, &reference)),
        actions: inp.actions.map(|a| actions(inp, a, sums)).transpose()?,
        ..MartSet::default()
    };
    let survey_ms = started.elapsed().as_millis() as u64 - scan_ms;
    tables.merge(complaint_marts(inp, &mut notes)?);
    tables.plan = super::plan::build(cfg, &tables, &cfg.plan, cfg.confidence);
    // Where the time goes: the survey answers' one pass, the survey marts from its sums, and
    // the complaint and churn marts over the customer file (`csat -v analyze`).
    tracing::info!(
        scan_ms,
        survey_marts_ms = survey_ms,
        complaint_marts_ms = started.elapsed().as_millis() as u64 - scan_ms - survey_ms,
        "analyze stages"
    );
    Ok(Marts {
        tables,
        notes,
        answers: scanned.rows,
    })
}

/// The complaint and churn marts of the period, with or without a survey.
fn complaint_marts(inp: &Inputs, notes: &mut Vec<String>) -> Result<MartSet, MetricsError> {
    super::complaints::build(
        inp.cfg,
        inp.period,
        inp.complaints,
        inp.customers,
        inp.satisfaction_by_customer,
        notes,
    )
}

#[cfg(test)]
mod tests {
    use super::{external_gap, welch_sums, Family, Sums};

    #[test]
    fn q_values_are_adjusted_within_each_family() {
        let mut fam = Family::default();
        let a = [0.01, 0.04, 0.03, 0.005, 0.2, 0.9, 0.04];
        let mut slots = Vec::new();
        for (i, p) in a.iter().enumerate() {
            slots.push(fam.add("satisfaction/none", Some(*p)).unwrap());
            // Interleaved with another family: it must not change the first one's q-values.
            if i % 3 == 0 {
                fam.add("satisfaction/raked", Some(0.001 * (i + 1) as f64));
            }
        }
        assert_eq!(fam.add("nps/none", None), None, "no p-value, no slot");
        let q = fam.qvalues();
        // statsmodels multipletests(a, method="fdr_bh")[1] (as in stats::tests).
        let expected = [0.035, 0.056, 0.056, 0.035, 0.23333333333333336, 0.9, 0.056];
        for (s, e) in slots.iter().zip(expected) {
            assert!((q[*s] - e).abs() < 1e-12, "slot {s}: {} vs {e}", q[*s]);
        }
        // The other family on its own: p = 0.001, 0.004, 0.007 → q = 0.003, 0.006, 0.007.
        let raked: Vec<f64> = (0..q.len())
            .filter(|i| !slots.contains(i))
            .map(|i| q[i])
            .collect();
        for (x, e) in raked.iter().zip([0.003, 0.006, 0.007]) {
            assert!((x - e).abs() < 1e-12, "{raked:?}");
        }
    }

    #[test]
    fn two_cells_of_identical_answers_are_not_tested() {
        // 30 answers of 5 against 30 answers of 4 (weights 1): both variances 0. SciPy's
        // ttest_ind(..., equal_var=False) gives p = 0 here; the marts give no p-value.
        let cell = |x: f64| Sums {
            n: 30,
            sw: 30.0,
            sw2: 30.0,
            swx: 30.0 * x,
            swx2: 30.0 * x * x,
        };
        assert!(welch_sums(cell(5.0), cell(4.0), 0.95).is_none());
        // One side with variance: tested as usual (5 × 30 against 15 fours and 15 fives;
        // ttest_ind([5]*30, [4]*15 + [5]*15, equal_var=False).pvalue).
        let mixed = Sums {
            n: 30,
            sw: 30.0,
            sw2: 30.0,
            swx: 135.0,
            swx2: 15.0 * 16.0 + 15.0 * 25.0,
        };
        // SciPy 1.17.1: 8.699475448390493e-06.
        let t = welch_sums(cell(5.0), mixed, 0.95).unwrap();
        assert!(
            (t.p / 8.699475448390493e-06 - 1.0).abs() < 1e-9,
            "p {}",
            t.p
        );
    }

    #[test]
    fn external_references_are_compared_on_a_common_index_when_their_scale_differs() {
        // Issue 13's case, by hand: 72 on 0–100 against 3.70 on 1–5 → (3.70 − 1)/4·100 =
        // 67.5, gap +4.5 (not 72 − 3.70 = +68.3).
        let (g, idx) = external_gap(3.70, (1.0, 5.0), 72.0, Some((0.0, 100.0))).unwrap();
        assert!((g - 4.5).abs() < 1e-12 && idx);
        // Same scale, or none given: the plain difference on our scale.
        let (g, idx) = external_gap(3.70, (1.0, 5.0), 3.85, Some((1.0, 5.0))).unwrap();
        assert!((g - 0.15).abs() < 1e-12 && !idx);
        assert_eq!(
            external_gap(3.70, (1.0, 5.0), 3.85, None).map(|x| x.1),
            Some(false)
        );
        // NPS against NPS on −100…100; an empty scale has no gap.
        let (g, _) = external_gap(40.8, (-100.0, 100.0), 18.0, Some((-100.0, 100.0))).unwrap();
        assert!((g + 22.8).abs() < 1e-12);
        assert_eq!(external_gap(3.7, (1.0, 5.0), 3.0, Some((5.0, 5.0))), None);
    }
}
