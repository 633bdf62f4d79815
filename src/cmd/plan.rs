//! `csat plan`: how many answers and invitations next period needs per segment (the
//! formulas are in [`crate::metrics::plan`]).

use std::fmt::Write as _;
use std::path::PathBuf;

use super::{CmdResult, Common, Failure, Kind};
use crate::config::PlanTargets;
use crate::mart::Plan;

/// Plan next period's sample from a period's marts (`csat analyze` first): per segment
/// value (stores by default) the overall item's spread, the margins the period achieved for
/// the mean, the top-2-box share and the NPS, and the completed answers and invitations
/// needed for the target margins, with the finite-population correction where the customer
/// file gives the segment's customers. Prints a table; `--csv` also writes every column.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Target half-width of the mean's interval, in scale points (default: [plan] margin, 0.1).
    #[arg(long, value_name = "POINTS")]
    pub margin: Option<f64>,
    /// Target half-width of the top-2-box share's interval (default: [plan] margin_share, 0.05).
    #[arg(long, value_name = "SHARE")]
    pub margin_share: Option<f64>,
    /// Target half-width of the NPS interval, in NPS points (default: [plan] margin_nps, 10).
    #[arg(long, value_name = "POINTS")]
    pub margin_nps: Option<f64>,
    /// Confidence level of the intervals (default: [thresholds] confidence, 0.95).
    #[arg(long, value_name = "LEVEL")]
    pub confidence: Option<f64>,
    /// The segment to plan for (default: [plan] segment, store).
    #[arg(long, value_name = "SEGMENT")]
    pub by: Option<String>,
    /// Also write every plan column of every segment to this CSV file (UTF-8).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

pub fn run(args: &Args) -> CmdResult {
    let (cfg, _lock, period) = args.common.open(crate::period::PeriodArg::Latest)?;
    let targets = targets(args, &cfg.plan)?;
    let confidence = args.confidence.unwrap_or(cfg.confidence);
    if !(confidence > 0.5 && confidence < 1.0) {
        return Err(Failure::new(
            Kind::Usage,
            format!("--confidence {confidence}: give a level between 0.5 and 1, such as 0.95"),
        ));
    }
    let marts = super::report::read_marts(&cfg, period)?;
    let rows =
        crate::metrics::plan::build(&cfg, &marts, &targets, confidence).ok_or_else(|| {
            Failure::new(
                Kind::Data,
                format!("{period} has no satisfaction mart with an overall item to plan from"),
            )
            .with_hint("plan needs a survey source; run `csat analyze` on a period with answers")
        })?;
    let rows: Vec<&Plan> = rows.iter().filter(|r| r.weighting == "none").collect();
    let chosen: Vec<&Plan> = rows
        .iter()
        .copied()
        .filter(|r| r.segment == targets.segment)
        .collect();
    if chosen.is_empty() {
        let mut have: Vec<&str> = rows.iter().map(|r| r.segment.as_str()).collect();
        have.dedup();
        return Err(Failure::new(
            Kind::Usage,
            format!("no segment `{}` in the marts of {period}", targets.segment),
        )
        .with_hint(format!("choose one of: {}", have.join(", "))));
    }
    let all: Vec<&Plan> = rows
        .iter()
        .copied()
        .filter(|r| r.segment == "all")
        .collect();
    super::say::out(&table(&all, &chosen, &targets, confidence, period));
    if let Some(path) = &args.csv {
        let bytes = csv(&rows).map_err(|e| Failure::new(Kind::Internal, e.to_string()))?;
        crate::lake::write_atomic(path, &bytes)?;
        super::say::stage(&format!("plan {period}: {}", path.display()), None);
    }
    Ok(())
}

/// The targets: the command line's where given, else the configuration's.
fn targets(args: &Args, cfg: &PlanTargets) -> Result<PlanTargets, Failure> {
    let t = PlanTargets {
        margin: args.margin.unwrap_or(cfg.margin),
        margin_share: args.margin_share.unwrap_or(cfg.margin_share),
        margin_nps: args.margin_nps.unwrap_or(cfg.margin_nps),
        segment: args.by.clone().unwrap_or_else(|| cfg.segment.clone()),
    };
    for (flag, v) in [
        ("--margin", t.margin),
        ("--margin-share", t.margin_share),
        ("--margin-nps", t.margin_nps),
    ] {
        if !(v > 0.0 && v.is_finite()) || (flag == "--margin-share" && v >= 1.0) {
            return Err(Failure::new(
                Kind::Usage,
                format!("{flag} {v}: give a positive half-width (a share below 1)"),
            ));
        }
    }
    Ok(t)
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "–".to_string(), |x| x.to_string())
}

fn dec(v: Option<f64>, places: usize) -> String {
    v.map_or_else(|| "–".to_string(), |x| format!("{x:.places$}"))
}

/// The plan as an aligned text table: the company first, then the chosen segment's values
/// and their total.
fn table(
    all: &[&Plan],
    rows: &[&Plan],
    t: &PlanTargets,
    confidence: f64,
    period: crate::period::Period,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "sample plan from {period} at {:.0}% confidence: mean ±{}, top-2-box ±{:.1} points, NPS ±{}",
        confidence * 100.0,
        t.margin,
        t.margin_share * 100.0,
        t.margin_nps
    );
    let _ = writeln!(
        s,
        "{:<14} {:>5} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7} {:>8}",
        "segment",
        "n",
        "sd",
        "±mean",
        "need",
        "±t2b",
        "need",
        "±NPS",
        "need",
        "pop",
        "plan",
        "invite"
    );
    let line = |s: &mut String, r: &Plan| {
        let _ = writeln!(
            s,
            "{:<14} {:>5} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7} {:>8}",
            r.segment_value,
            r.n,
            dec(r.sd, 2),
            dec(r.margin, 3),
            opt(r.n_needed_fpc.or(r.n_needed)),
            dec(r.share_margin, 3),
            opt(r.share_n_needed_fpc.or(r.share_n_needed)),
            dec(r.nps_margin, 1),
            opt(r.nps_n_needed_fpc.or(r.nps_n_needed)),
            opt(r.population),
            opt(r.completes_needed),
            opt(r.invitations_needed)
        );
    };
    for r in all.iter().chain(rows) {
        line(&mut s, r);
    }
    let sum = |f: fn(&Plan) -> Option<usize>| -> Option<usize> {
        rows.iter().map(|r| f(r)).sum::<Option<usize>>()
    };
    let _ = writeln!(
        s,
        "{:<14} {:>5} {:>63} {:>8}",
        format!("total ({})", rows.len()),
        rows.iter().map(|r| r.n).sum::<usize>(),
        opt(sum(|r| r.completes_needed)),
        opt(sum(|r| r.invitations_needed))
    );
    s.push_str("need: answers for the target (finite-population corrected where pop is known); plan: the most of the three; invite: plan / response rate\n");
    for r in rows.iter().filter(|r| r.note.is_some()) {
        let _ = writeln!(
            s,
            "{}: {}",
            r.segment_value,
            r.note.as_deref().unwrap_or("")
        );
    }
    s
}

/// Every plan column, one row per segment value, as CSV (UTF-8 with the byte-order mark
/// Excel needs for Chinese segment names; text cells neutralised against formulas).
fn csv(rows: &[&Plan]) -> Result<Vec<u8>, csv::Error> {
    use crate::mart::Mart;
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(Plan::columns())?;
    for r in rows {
        w.write_record(
            r.cells()
                .iter()
                .map(|c| crate::render::export::neutralise(c).into_owned()),
        )?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
