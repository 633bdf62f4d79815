//! `csat analyze`: the lake → metric tables (marts) for one month.

use super::{resolve_period, CmdResult, Common, Failure};
use crate::config::Config;
use crate::lake;
use crate::metrics;
use crate::period::Period;

/// Compute the marts of one month from the lake and write them to
/// `<marts>/period=YYYY-MM/<mart>.parquet`: `satisfaction` (per segment and measure: n,
/// mean, sd, t interval, top-2-box with Wilson interval, 0–100 index, suppression flag) and
/// `nps` (promoters, passives, detractors, NPS with its interval).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: &Args) -> CmdResult {
    let cfg = args.common.load()?;
    let period = resolve_period(&cfg, args.common.period)?;
    analyze(&cfg, period)
}

pub fn analyze(cfg: &Config, period: Period) -> CmdResult {
    let responses =
        lake::read_table(&cfg.lake, "responses", Some(&[period]))?.ok_or_else(|| {
            Failure::new(
                super::exit::DATA,
                format!("no responses for {period}; run `csat ingest`"),
            )
        })?;
    let sat = metrics::satisfaction_mart(&responses, cfg, period)?;
    let nps = metrics::nps_mart(&responses, cfg, period)?;
    lake::write_file(&lake::mart_path(&cfg.marts, period, "satisfaction"), &sat)?;
    lake::write_file(&lake::mart_path(&cfg.marts, period, "nps"), &nps)?;
    eprintln!(
        "analyze {period}: satisfaction ({} rows), nps ({} rows) in {}",
        sat.height(),
        nps.height(),
        cfg.marts.join(format!("period={period}")).display()
    );
    Ok(())
}
