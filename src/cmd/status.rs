//! `csat status`: what the workspace holds, after finishing or undoing an interrupted run
//! (the answer on stdout).

use super::{lock_workspace, say, CmdResult};
use crate::lake;

/// Take the workspace lock (exit 5 if a run holds it), finish or undo what an interrupted
/// run left, and list the months of every lake table, the marts and the reports.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The workspace configuration.
    #[arg(long, short = 'c', default_value = "csat.toml", value_name = "FILE")]
    pub config: std::path::PathBuf,
}

pub fn run(args: &Args) -> CmdResult {
    let cfg = crate::config::Config::load(&args.config)?;
    let _lock = lock_workspace(&cfg)?;
    let months = |v: Vec<crate::period::Period>| -> String {
        match (v.first(), v.last()) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a} … {b} ({} months)", v.len()),
            _ => "none".into(),
        }
    };
    for t in crate::schema::Table::ALL {
        say::out(&format!(
            "lake {}: {}",
            t.name(),
            months(lake::partitions(&cfg.lake, t.name())?)
        ));
    }
    let dated = |dir: &std::path::Path, prefix: &str| -> Vec<crate::period::Period> {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.strip_prefix(prefix)?.parse().ok())
            .collect();
        v.sort();
        v
    };
    say::out(&format!("marts: {}", months(dated(&cfg.marts, "period="))));
    say::out(&format!("reports: {}", months(dated(&cfg.reports, ""))));
    Ok(())
}
