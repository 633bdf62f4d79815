//! `csat validate`: a dry run of ingest on given files, touching nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{exit, CmdResult, Failure};
use crate::config::{Config, Source};
use crate::ingest::{self, map, privacy::Privacy};

/// Check files against the workspace's configuration without writing anything: for each
/// file, print the source it belongs to, the detected layout (preset) and encoding, how
/// each canonical field and questionnaire item is mapped, and the accepted/rejected counts
/// with the most frequent reasons. Exit 0 when every file can be ingested, 3 when one cannot.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The workspace configuration.
    #[arg(long, short = 'c', default_value = "csat.toml", value_name = "FILE")]
    pub config: PathBuf,
    /// Read the files as this source (default: the source whose path or glob matches).
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// The analysis date for the "not in the future" check (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<chrono::NaiveDate>,
    /// The files to check.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

fn source_of<'a>(cfg: &'a Config, file: &Path, name: Option<&str>) -> Result<&'a Source, String> {
    if let Some(n) = name {
        return cfg.sources.iter().find(|s| s.name == n).ok_or_else(|| {
            format!(
                "no source named `{n}`; the config has {}",
                cfg.sources
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
    }
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let want = canon(file);
    cfg.sources
        .iter()
        .find(|s| s.files.iter().any(|f| canon(f) == want))
        .ok_or_else(|| {
            format!(
                "no configured source reads this file; name one with --source ({})",
                cfg.sources
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

pub fn run(args: &Args) -> CmdResult {
    let cfg = Config::load(&args.config)?;
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    // A throwaway key unless one is configured: validate writes nothing, not even a key.
    let key = cfg
        .pii_key
        .clone()
        .or_else(|| std::env::var(&cfg.pii_key_env).ok())
        .unwrap_or_else(|| "validate".into());
    let privacy = Privacy::new(cfg.pii, key.as_bytes());
    let cats = map::Catalogs::new(&cfg);
    let customers = map::Customers::default();
    let ctx = map::Context {
        cfg: &cfg,
        cats: &cats,
        privacy: &privacy,
        as_of,
        customers: &customers,
    };
    let mut failed = 0;
    for file in &args.files {
        println!("{}", file.display());
        let result = source_of(&cfg, file, args.source.as_deref()).and_then(|src| {
            let bytes = std::fs::read(file).map_err(|e| format!("cannot read the file: {e}"))?;
            ingest::ingest_file(&ctx, src, file, &bytes, &as_of.to_string())
                .map(|r| (src, r))
                .map_err(|e| e.to_string())
        });
        match result {
            Err(e) => {
                failed += 1;
                println!("  error      {e}");
            }
            Ok((src, r)) => {
                let l = &r.ledger;
                println!("  source     {} ({})", src.name, l.kind);
                println!(
                    "  layout     {}{}",
                    l.preset,
                    if src.preset.is_none() {
                        " (detected)"
                    } else {
                        ""
                    }
                );
                println!("  encoding   {}", l.encoding);
                for (field, header) in &r.mapping {
                    println!("  map        {field:<18} ← {header}");
                }
                println!("  rows       {} read = {} accepted + {} rejected ({} excluded by the platform)", l.rows_read, l.accepted, l.rejected, l.excluded);
                let mut by_code: BTreeMap<&str, (usize, &ingest::Reject)> = BTreeMap::new();
                for rej in &r.rejects {
                    by_code.entry(rej.code.as_str()).or_insert((0, rej)).0 += 1;
                }
                let mut top: Vec<_> = by_code.into_iter().collect();
                top.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
                for (code, (n, first)) in top.iter().take(5) {
                    let at = if first.column.is_empty() {
                        String::new()
                    } else {
                        format!(", {} = `{}`", first.column, first.value)
                    };
                    println!(
                        "  rejected   {code} ×{n} (first: line {}{at}: {})",
                        first.line, first.reason
                    );
                }
            }
        }
    }
    if failed > 0 {
        return Err(Failure::new(
            exit::DATA,
            format!(
                "{failed} of {} file(s) cannot be ingested as configured",
                args.files.len()
            ),
        ));
    }
    Ok(())
}
