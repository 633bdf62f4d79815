//! `csat ingest`: raw files → the lake, with rejects and a per-file ledger.

use std::collections::BTreeSet;

use super::{CmdResult, Common};
use crate::config::Config;
use crate::ingest::{self, Ingested};
use crate::lake;
use crate::period::PeriodArg;

/// Read every configured source, validate and normalise it into the canonical tables, and
/// write them to the lake as Hive-partitioned Parquet (`<lake>/<table>/period=YYYY-MM/`).
/// Rejected rows go to `<lake>/_rejects/<source>.parquet` with file, line, column, value
/// and reason; `<lake>/_ledger/files.parquet` records rows read/accepted/rejected per file.
/// With `--period YYYY-MM` only that month's partitions are rewritten; with `latest` (the
/// default) every month is, and months no longer in the sources are removed.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: &Args) -> CmdResult {
    let cfg = args.common.load()?;
    let out = ingest::ingest(&cfg, args.common.as_of())?;
    write(&cfg, out, args.common.period)
}

/// Write an ingest's tables, rejects and ledger to the lake.
pub fn write(cfg: &Config, out: Ingested, period: PeriodArg) -> CmdResult {
    let (read, accepted, rejected) = (out.rows_read(), out.accepted(), out.rejected());
    for (table, rows) in out.tables {
        let parts = rows.into_partitions()?;
        let mut written = BTreeSet::new();
        for (p, df) in &parts {
            if let PeriodArg::Month(only) = period {
                if *p != only {
                    continue;
                }
            }
            lake::write_partition(&cfg.lake, table.name(), *p, df)?;
            written.insert(*p);
        }
        if period == PeriodArg::Latest {
            lake::remove_partitions_except(&cfg.lake, table.name(), &written)?;
        }
    }
    let sources: BTreeSet<&str> = cfg.sources.iter().map(|s| s.name.as_str()).collect();
    for s in &sources {
        let mine: Vec<_> = out
            .rejects
            .iter()
            .filter(|r| r.source == *s)
            .cloned()
            .collect();
        lake::write_file(
            &lake::rejects_path(&cfg.lake, s),
            &ingest::rejects_frame(&mine)?,
        )?;
    }
    lake::write_file(
        &cfg.lake.join("_ledger").join("files.parquet"),
        &ingest::ledger_frame(&out.ledger)?,
    )?;
    for r in out.rejects.iter().take(20) {
        eprintln!(
            "rejected {}:{} [{}] `{}`: {}",
            r.file, r.line, r.column, r.value, r.reason
        );
    }
    if out.rejects.len() > 20 {
        eprintln!(
            "… and {} more rejected rows in {}",
            out.rejects.len() - 20,
            cfg.lake.join("_rejects").display()
        );
    }
    eprintln!(
        "ingest: {read} rows read = {accepted} accepted + {rejected} rejected, lake at {}",
        cfg.lake.display()
    );
    Ok(())
}
