//! `csat run`: ingest, analyze and report in one go (the monthly job).

use super::{resolve_period, say, CmdResult, Common};
use crate::config::Lang;
use crate::ingest;
use crate::period::PeriodArg;

/// The monthly job: ingest every source, compute the marts of the period and render its
/// report, under the workspace lock, ending with one summary line. The period defaults to
/// `[workspace] period`, else `last-month` (the calendar month before --as-of), for a
/// schedule on the 1st.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Report language (default: report.lang in csat.toml).
    #[arg(long, value_name = "zh|en")]
    pub lang: Option<Lang>,
    /// Also write the store and region scorecards (default: [report] scorecards).
    #[arg(long)]
    pub scorecards: bool,
    #[command(flatten)]
    pub limits: super::ingest::Limits,
}

pub fn run(args: &Args) -> CmdResult {
    let started = std::time::Instant::now();
    say::begin_run();
    let cfg = args.common.load()?;
    let _lock = super::lock_workspace(&cfg)?;
    let as_of = args.common.as_of();
    say::progress(1, 3, "ingest");
    let opts = super::ingest::options(&cfg, as_of)?;
    let out = ingest::ingest(&cfg, &opts)?;
    let counts = super::ingest::write(&cfg, out, PeriodArg::Latest, &args.limits)?;
    let period = resolve_period(&cfg, args.common.period.unwrap_or(cfg.run_period), as_of)?;
    say::progress(2, 3, &format!("analyze {period}"));
    let marts = super::analyze::analyze(&cfg, period)?;
    say::progress(3, 3, &format!("report {period}"));
    let what = super::report::What {
        lang: args.lang.unwrap_or(cfg.lang),
        scorecards: args.scorecards || cfg.scorecards,
    };
    let pdf = super::report::report(&cfg, period, what, as_of)?;
    let secs = started.elapsed().as_secs_f64();
    say::summary(
        &format!(
            "csat run {period}: {} rows read, {} accepted, {} rejected{}{}; {marts} marts; report {}; {} warnings; {secs:.1} s",
            counts.read,
            counts.accepted,
            counts.rejected,
            match counts.superseded {
                0 => String::new(),
                n => format!(", {n} superseded"),
            },
            match counts.answers_rejected {
                0 => String::new(),
                n => format!(" (and {n} answers)"),
            },
            pdf.display(),
            say::warnings()
        ),
        serde_json::json!({
            "event": "summary",
            "period": period.to_string(),
            "rows_read": counts.read,
            "rows_accepted": counts.accepted,
            "rows_rejected": counts.rejected,
            "rows_superseded": counts.superseded,
            "answers_rejected": counts.answers_rejected,
            "marts": marts,
            "report": pdf.display().to_string(),
            "warnings": say::warnings(),
            "seconds": (secs * 10.0).round() / 10.0,
        }),
    );
    Ok(())
}
