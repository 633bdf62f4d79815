//! `csat run`: ingest, analyze and report in one go (the monthly job).

use super::{resolve_period, CmdResult, Common};
use crate::config::Lang;
use crate::ingest;

/// The monthly job: ingest every source, compute the marts of the period and render its
/// report. `--period latest` (the default) is the newest month with survey data.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Report language (default: report.lang in csat.toml).
    #[arg(long, value_name = "zh|en")]
    pub lang: Option<Lang>,
    #[command(flatten)]
    pub limits: super::ingest::Limits,
}

pub fn run(args: &Args) -> CmdResult {
    let cfg = args.common.load()?;
    let as_of = args.common.as_of();
    let opts = super::ingest::options(&cfg, as_of)?;
    let out = ingest::ingest(&cfg, &opts)?;
    super::ingest::write(&cfg, out, crate::period::PeriodArg::Latest, &args.limits)?;
    let period = resolve_period(&cfg, args.common.period)?;
    super::analyze::analyze(&cfg, period)?;
    super::report::report(&cfg, period, args.lang.unwrap_or(cfg.lang), as_of)
}
