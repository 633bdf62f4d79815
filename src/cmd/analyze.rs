//! `csat analyze`: the lake → the marts of one month.

use super::{CmdResult, Common, Failure, Kind};
use crate::config::Config;
use crate::lake;
use crate::metrics;
use crate::period::Period;

/// Compute the marts of one month from the lake and write them to
/// `<marts>/period=YYYY-MM/<mart>.parquet`: satisfaction (items, dimensions, CSI, loyalty
/// index per segment: n, n_eff, mean, t interval, top-2-box with Wilson interval, index,
/// change vs last month and vs the rest of the company with Welch p- and BH q-values),
/// nps, loyalty, benchmark (competitor gaps, external references), drivers (Johnson
/// relative weights, importance–performance quadrants), trend (13 months, control limits)
/// and channels (response rates, mode differences).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: &Args) -> CmdResult {
    let (cfg, _lock, period) = args.common.open(crate::period::PeriodArg::Latest)?;
    analyze(&cfg, period).map(|_| ())
}

/// Compute and write the marts of `period` (switched over together); returns how many.
pub fn analyze(cfg: &Config, period: Period) -> Result<usize, Failure> {
    let dir = cfg.marts.join(format!("period={period}"));
    let mut switch = lake::Switch::new(&cfg.marts);
    let staged = switch.stage(&dir);
    let out = |name: &str| staged.join(format!("{name}.parquet"));
    let months = thirteen_months(period);
    let started = std::time::Instant::now();
    // The survey answers are read a month at a time by the marts (see metrics::scan), only
    // the columns they use; here we only check that some month has them.
    let survey_months = lake::partitions(&cfg.lake, "responses")?
        .into_iter()
        .filter(|p| months.contains(p))
        .count();
    let customers = lake::read_table(&cfg.lake, "customers", None)?;
    let benchmarks = lake::read_table(&cfg.lake, "benchmarks", Some(&[period]))?;
    let invitations = lake::read_table(&cfg.lake, "invitations", Some(&[period]))?;
    let complaints = lake::read_table(&cfg.lake, "complaints", None)?;
    let actions = lake::read_table(&cfg.lake, "actions", None)?;
    if cfg.weighting.is_some() && customers.is_none() {
        return Err(Failure::new(
            Kind::Data,
            "weighting is configured but the lake has no customer file to weight to",
        )
        .with_hint("add a customers source or remove [weighting]"));
    }
    let needed = metrics::scan::needed_columns(cfg);
    let columns: Vec<&str> = needed.iter().map(String::as_str).collect();
    let load = |m: Period| {
        lake::read_month(&cfg.lake, "responses", m, &columns)
            .map_err(|e| metrics::MetricsError::Load(e.to_string()))
    };
    let satisfaction = satisfaction_by_customer(cfg, &months)?;
    let inputs = metrics::marts::Inputs {
        cfg,
        period,
        responses: &load,
        customers: customers.as_ref(),
        benchmarks: benchmarks.as_ref(),
        invitations: invitations.as_ref(),
        complaints: complaints.as_ref(),
        actions: actions.as_ref(),
        satisfaction_by_customer: satisfaction.as_ref(),
    };
    let loaded = started.elapsed();
    let marts = if survey_months == 0 {
        // A workspace (or a period) without survey answers: the marts of what it has.
        let m = metrics::marts::build_without_survey(&inputs)?;
        if m.tables.is_empty() {
            return Err(Failure::new(
                Kind::Data,
                format!("nothing to analyse for {period}: no responses, complaints or customers"),
            )
            .with_hint("run `csat ingest`"));
        }
        m
    } else {
        metrics::marts::build(&inputs)?
    };
    let computed = started.elapsed() - loaded;
    let frames = marts
        .tables
        .frames()
        .map_err(|e| Failure::new(Kind::Internal, e.to_string()))?;
    for (name, df) in &frames {
        lake::write_file(&out(name), df).map_err(|e| switch.unstage(e))?;
    }
    // load_ms covers the tables read whole (customers, complaints, …); the survey answers
    // are read month by month inside compute_ms.
    tracing::info!(
        answers = marts.answers,
        load_ms = loaded.as_millis() as u64,
        compute_ms = computed.as_millis() as u64,
        write_ms = (started.elapsed() - loaded - computed).as_millis() as u64,
        "analyze timing"
    );
    lake::write_file(&out("notes"), &notes_frame(period, &marts.notes)?)
        .map_err(|e| switch.unstage(e))?;
    super::keep_users_files(&dir, &staged, &switch)?;
    switch.commit()?;
    for n in &marts.notes {
        super::say::notice(n);
    }
    let summary: Vec<String> = frames
        .iter()
        .map(|(n, df)| format!("{n} ({})", df.height()))
        .collect();
    super::say::stage(
        &format!(
            "analyze {period}: {} in {}",
            summary.join(", "),
            cfg.marts.join(format!("period={period}")).display()
        ),
        None,
    );
    Ok(frames.len() + 1)
}

/// The period and the twelve months before it, newest first.
fn thirteen_months(period: Period) -> Vec<Period> {
    (0..13)
        .scan(period, |p, i| {
            let out = *p;
            if i < 12 {
                *p = p.prev();
            }
            Some(out)
        })
        .collect()
}

/// The churn model's `satisfaction` control, if configured: each customer's mean overall
/// answer over the twelve months to the period's end, read a month at a time.
fn satisfaction_by_customer(
    cfg: &Config,
    months: &[Period],
) -> Result<Option<std::collections::HashMap<String, f64>>, Failure> {
    Ok(if cfg.churn_controls.iter().any(|c| c == "satisfaction") {
        let mut acc = metrics::complaints::SatisfactionByCustomer::default();
        for m in months.iter().take(12) {
            if let Some(df) = lake::read_month(
                &cfg.lake,
                "responses",
                *m,
                &metrics::complaints::SatisfactionByCustomer::COLUMNS,
            )? {
                acc.add(cfg, &df)?;
            }
        }
        Some(acc.means())
    } else {
        None
    })
}

/// The analysis notes of a period (a model that could not be fitted, a year without a
/// holiday calendar), as a small mart the report prints in its appendix.
fn notes_frame(period: Period, notes: &[String]) -> Result<crate::frame::DataFrame, Failure> {
    use crate::mart::{Mart, Note};
    let rows: Vec<Note> = notes
        .iter()
        .map(|n| Note {
            period: period.to_string(),
            note: n.clone(),
        })
        .collect();
    Note::to_frame(&rows).map_err(|e| Failure::new(Kind::Internal, e.to_string()))
}
