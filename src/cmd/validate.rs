//! `csat validate`: a dry run of ingest on given files, touching nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{say, CmdResult, Failure, Kind};
use crate::config::{Config, Source};
use crate::ingest::{self, map, privacy::Privacy};

/// Check files against the workspace's configuration without writing anything: for each
/// file (every file of every configured source when none is named), and for each source
/// that reads it, print the detected layout (preset) and encoding, how each canonical field
/// and questionnaire item is mapped, and the accepted/rejected counts with the most frequent
/// reasons. Exit 0 when every file can be ingested, 3 when one cannot or rejects more rows
/// than --max-reject-share (as ingest would refuse it).
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
    #[command(flatten)]
    pub limits: super::ingest::Limits,
    /// The files to check (default: every file of every configured source).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// The sources that read `file`: the one named with --source, else every source whose path
/// or glob matches it.
fn sources_of<'a>(
    cfg: &'a Config,
    file: &Path,
    name: Option<&str>,
) -> Result<Vec<&'a Source>, String> {
    let names = || {
        cfg.sources
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(n) = name {
        return cfg
            .sources
            .iter()
            .find(|s| s.name == n)
            .map(|s| vec![s])
            .ok_or_else(|| format!("no source named `{n}`; the config has {}", names()));
    }
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let want = canon(file);
    let found: Vec<&Source> = cfg
        .sources
        .iter()
        .filter(|s| s.files.iter().any(|f| canon(f) == want))
        .collect();
    if found.is_empty() {
        return Err(format!(
            "no configured source reads this file; name one with --source ({})",
            names()
        ));
    }
    Ok(found)
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
    // Every file of every source when none is named, each once.
    let files: Vec<PathBuf> = if args.files.is_empty() {
        let mut all: Vec<PathBuf> = Vec::new();
        for f in cfg.sources.iter().flat_map(|s| s.files.iter()) {
            if !all.contains(f) {
                all.push(f.clone());
            }
        }
        all
    } else {
        args.files.clone()
    };
    if files.is_empty() {
        return Err(Failure::new(
            Kind::Data,
            "no files to check: the configured sources match no file",
        ));
    }
    let (mut failed, mut too_bad, mut checked) = (0, 0, 0);
    for file in &files {
        say::out(&format!("{}", file.display()));
        let sources = match sources_of(&cfg, file, args.source.as_deref()) {
            Ok(s) => s,
            Err(e) => {
                failed += 1;
                say::out(&format!("  error      {e}"));
                continue;
            }
        };
        for src in sources {
            checked += 1;
            let result = std::fs::read(file)
                .map_err(|e| format!("cannot read the file: {e}"))
                .and_then(|bytes| {
                    ingest::ingest_file(&ctx, src, file, &bytes, &as_of.to_string())
                        .map_err(|e| e.to_string())
                });
            match result {
                Err(e) => {
                    failed += 1;
                    say::out(&format!("  source     {}", src.name));
                    say::out(&format!("  error      {e}"));
                }
                Ok(r) => {
                    if print_result(src, &r, &args.limits) {
                        too_bad += 1;
                    }
                }
            }
        }
    }
    if failed + too_bad > 0 {
        let mut why = Vec::new();
        if failed > 0 {
            why.push(format!("{failed} cannot be ingested as configured"));
        }
        if too_bad > 0 {
            why.push(format!(
                "{too_bad} reject more than {:.1}% of their rows (--max-reject-share)",
                args.limits.max_reject_share * 100.0
            ));
        }
        return Err(Failure::new(
            Kind::Data,
            format!("of {checked} file check(s), {}", why.join(" and ")),
        ));
    }
    Ok(())
}

/// Print what ingest would do with one file as one source; `true` when its rejects exceed
/// the limit that fails an ingest.
fn print_result(src: &Source, r: &ingest::FileResult, limits: &super::ingest::Limits) -> bool {
    let l = &r.ledger;
    say::out(&format!("  source     {} ({})", src.name, l.kind));
    say::out(&format!(
        "  layout     {}{}",
        l.preset,
        if src.preset.is_none() {
            " (detected)"
        } else {
            ""
        }
    ));
    say::out(&format!("  encoding   {}", l.encoding));
    if !l.note.is_empty() {
        say::out(&format!("  note       {}", l.note));
    }
    for (field, header) in &r.mapping {
        say::out(&format!("  map        {field:<18} ← {header}"));
    }
    say::out(&format!(
        "  rows       {} read = {} accepted + {} rejected ({} excluded by the platform)",
        l.rows_read, l.accepted, l.rejected, l.excluded
    ));
    if l.answers_rejected > 0 {
        say::out(&format!(
            "  answers    {} rejected in accepted rows (their other answers count)",
            l.answers_rejected
        ));
    }
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
            format!(", {} = `{}`", first.column, ingest::clip(&first.value, 60))
        };
        say::out(&format!(
            "  rejected   {code} ×{n} (first: line {}{at}: {})",
            first.line,
            ingest::clip(&first.reason, 300)
        ));
    }
    let errors = l.rejected - l.excluded;
    let share = if l.rows_read > 0 {
        errors as f64 / l.rows_read as f64
    } else {
        0.0
    };
    let over = share > limits.max_reject_share;
    if over {
        say::out(&format!(
            "  limit      {:.1}% of rows rejected, above --max-reject-share {:.1}%: ingest would stop here",
            share * 100.0,
            limits.max_reject_share * 100.0
        ));
    }
    over
}
