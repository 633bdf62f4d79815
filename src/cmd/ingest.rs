//! `csat ingest`: raw files → the lake, with rejects and a per-file ledger.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::{CmdResult, Common, Failure, Kind};
use crate::config::Config;
use crate::ingest::{self, Ingested};
use crate::lake;
use crate::period::{Period, PeriodArg};
use crate::schema::Table;

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
    #[command(flatten)]
    pub limits: Limits,
}

/// Limits that stop a run on bad data instead of reporting on it.
#[derive(Debug, Clone, clap::Args)]
pub struct Limits {
    /// Fail (exit 3) when a file's rejected rows exceed this share of its rows (platform
    /// previews and unfinished responses do not count). The rejects and the ledger are
    /// still written so the cause can be seen; the lake tables are left as they were.
    #[arg(long, default_value_t = 0.05, value_name = "SHARE")]
    pub max_reject_share: f64,
    /// Warn (and exit 6 when done) when a file's rejected rows exceed this share.
    #[arg(long, default_value_t = 0.01, value_name = "SHARE")]
    pub warn_reject_share: f64,
}

/// What an ingest did, for the run's summary line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
    /// Rows given up for their newer version in another file (`read = accepted + rejected +
    /// superseded`).
    pub superseded: usize,
    /// Answers rejected on their own in accepted rows.
    pub answers_rejected: usize,
}

pub fn run(args: &Args) -> CmdResult {
    let cfg = args.common.load()?;
    let _lock = super::lock_workspace(&cfg)?;
    let opts = options(&cfg, args.common.as_of())?;
    let out = ingest::ingest(&cfg, &opts)?;
    let period = match args.common.period {
        Some(PeriodArg::Month(p)) => PeriodArg::Month(p),
        _ => PeriodArg::Latest,
    };
    write(&cfg, out, period, &args.limits)?;
    Ok(())
}

/// The ingest options of a workspace: the privacy key and the previous ledger.
pub fn options(cfg: &Config, as_of: chrono::NaiveDate) -> Result<ingest::Options, Failure> {
    let key = privacy_key(cfg)?;
    let ledger_path = cfg.lake.join("_ledger").join("files.parquet");
    let prior = if ledger_path.is_file() {
        ingest::prior_from_ledger(&lake::read_file(&ledger_path)?)
    } else {
        Vec::new()
    };
    Ok(ingest::Options {
        as_of,
        privacy: ingest::privacy::Privacy::new(cfg.pii, &key),
        prior,
    })
}

/// The key for hashing personal identifiers: `[privacy] key`, else the environment
/// variable `[privacy] key_env` (CSAT_PII_KEY), else `.csat-key` beside csat.toml, created
/// (random, readable only by its owner) on first use. Keep it: a new key gives new ids.
fn privacy_key(cfg: &Config) -> Result<Vec<u8>, Failure> {
    if cfg.pii == crate::config::PiiMode::Keep {
        return Ok(Vec::new());
    }
    if let Some(k) = &cfg.pii_key {
        return Ok(k.as_bytes().to_vec());
    }
    if let Ok(k) = std::env::var(&cfg.pii_key_env) {
        if !k.is_empty() {
            return Ok(k.into_bytes());
        }
    }
    let path = cfg.root.join(".csat-key");
    if let Ok(k) = std::fs::read(&path) {
        return Ok(k);
    }
    // The operating system's random source (getrandom(2) on Linux).
    let mut random = [0u8; 32];
    getrandom::fill(&mut random).map_err(|e| {
        Failure::new(
            Kind::Internal,
            format!("cannot get random bytes for a privacy key: {e}"),
        )
    })?;
    let key: String = random.iter().map(|b| format!("{b:02x}")).collect();
    lake::write_atomic(&path, key.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    super::say::info(&format!(
        "created the privacy key {} (keep it with the workspace; see README, Privacy)",
        path.display()
    ));
    Ok(key.into_bytes())
}

/// A warning for each column of a file whose rejected answers exceed `share` of the file's
/// rows (a column coded 0 = not applicable rejects an answer in every row): the count, and
/// the first reason, which names the setting when the value looks like a no-answer code.
fn answer_warnings(out: &Ingested, share: f64) -> Vec<String> {
    let mut by: std::collections::BTreeMap<(&str, &str), (usize, &str)> = Default::default();
    for r in out
        .rejects
        .iter()
        .filter(|r| r.level == ingest::RejectLevel::Answer)
    {
        let e = by
            .entry((r.file.as_str(), r.column.as_str()))
            .or_insert((0, &r.reason));
        e.0 += 1;
    }
    by.into_iter()
        .filter_map(|((file, column), (n, reason))| {
            let rows = out.ledger.iter().find(|l| l.file == file)?.rows_read;
            (rows > 0 && n as f64 / rows as f64 > share).then(|| {
                format!(
                    "{file} [{}]: {n} answers rejected ({:.1}% of its rows; their other answers count), e.g. {}",
                    ingest::clip(column, 60),
                    100.0 * n as f64 / rows as f64,
                    ingest::clip(reason, 300)
                )
            })
        })
        .collect()
}

/// Stage each source's rejects (its own file, empty when none) at `path(source)`.
fn stage_rejects(
    switch: &mut lake::Switch,
    out: &Ingested,
    sources: &BTreeSet<&str>,
    path: impl Fn(&str) -> PathBuf,
) -> Result<(), Failure> {
    for s in sources {
        let mine: Vec<_> = out
            .rejects
            .iter()
            .filter(|r| r.source == *s)
            .cloned()
            .collect();
        let staged = switch.stage(&path(s));
        lake::write_file(&staged, &ingest::rejects_frame(&mine)?).map_err(|e| switch.unstage(e))?;
    }
    Ok(())
}

/// Write an ingest's tables, rejects and ledger to the lake, switched over together (a
/// killed ingest leaves the previous lake). With too many rejects only the rejects are
/// written, to `_rejects/failed/`, to explain the failure; the lake, its rejects and its
/// ledger stay as they were.
pub fn write(
    cfg: &Config,
    out: Ingested,
    period: PeriodArg,
    limits: &Limits,
) -> Result<Counts, Failure> {
    let counts = Counts {
        read: out.rows_read(),
        accepted: out.accepted(),
        rejected: out.rejected(),
        superseded: out.superseded(),
        answers_rejected: out.answers_rejected(),
    };
    let mut switch = lake::Switch::new(&cfg.lake);
    say_rejects(cfg, &out);
    let too_bad = over_limit(&out.ledger, limits.max_reject_share);
    let sources: BTreeSet<&str> = cfg.sources.iter().map(|s| s.name.as_str()).collect();
    let failed = lake::failed_rejects_dir(&cfg.lake);
    if !too_bad.is_empty() {
        // Only the rejects that explain the failure are written, beside the lake's: the
        // tables, their rejects and the ledger stay as they were, so that they keep
        // describing each other.
        stage_rejects(&mut switch, &out, &sources, |s| {
            failed.join(format!("{s}.parquet"))
        })?;
        switch.commit()?;
        return Err(Failure::new(Kind::Data,
            format!(
                "too many rejected rows (more than {:.1}% of a file): {}. The lake, its rejects and its ledger were not changed; see {} for the reasons, fix the export or the mapping, or raise --max-reject-share",
                limits.max_reject_share * 100.0,
                too_bad.join("; "),
                failed.display()
            ),
        ));
    }
    // The rejects and the ledger switch over with the tables they describe; a failed run's
    // rejects are done with.
    stage_rejects(&mut switch, &out, &sources, |s| {
        lake::rejects_path(&cfg.lake, s)
    })?;
    let ledger = cfg.lake.join("_ledger").join("files.parquet");
    let staged = switch.stage(&ledger);
    lake::write_file(&staged, &ingest::ledger_frame(&out.ledger)?)
        .map_err(|e| switch.unstage(e))?;
    if failed.exists() {
        switch.remove(&failed);
    }
    say_warnings(cfg, &out, limits);
    write_tables(cfg, &mut switch, out.tables, period)?;
    switch.commit()?;
    say_done(cfg, &counts);
    Ok(counts)
}

/// The first 20 rejects, and how many more the rejects files hold.
fn say_rejects(cfg: &Config, out: &Ingested) {
    for r in out
        .rejects
        .iter()
        .filter(|r| !r.code.is_exclusion())
        .take(20)
    {
        super::say::info(&format!(
            "rejected {}{}:{} [{}] `{}`: {}",
            match r.level {
                ingest::RejectLevel::Row => "",
                ingest::RejectLevel::Answer => "answer ",
                ingest::RejectLevel::Cell => "cell ",
            },
            r.file,
            r.line,
            ingest::clip(&r.column, 60),
            ingest::clip(&r.value, 60),
            ingest::clip(&r.reason, 300)
        ));
    }
    let errors = out
        .rejects
        .iter()
        .filter(|r| !r.code.is_exclusion())
        .count();
    if errors > 20 {
        super::say::info(&format!(
            "… and {} more rejected rows and answers in {}",
            errors - 20,
            cfg.lake.join("_rejects").display()
        ));
    }
}

/// Each file whose share of rejected rows (exclusions aside) is above `limit`, described.
fn over_limit(ledger: &[ingest::FileLedger], limit: f64) -> Vec<String> {
    let share = |l: &ingest::FileLedger| (l.rejected - l.excluded) as f64 / l.rows_read as f64;
    ledger
        .iter()
        .filter(|l| l.rows_read > 0 && share(l) > limit)
        .map(|l| {
            format!(
                "{} rejects {} of {} rows ({:.1}%)",
                l.file,
                l.rejected - l.excluded,
                l.rows_read,
                100.0 * share(l)
            )
        })
        .collect()
}

/// The ingest's own warnings, then the files and items above the warning share of rejects.
fn say_warnings(cfg: &Config, out: &Ingested, limits: &Limits) {
    for w in &out.warnings {
        super::say::warn(w);
    }
    for w in answer_warnings(out, limits.warn_reject_share) {
        super::say::warn(&w);
    }
    for w in over_limit(&out.ledger, limits.warn_reject_share) {
        super::say::warn(&format!(
            "{w}: above the warning level of {:.1}% (--warn-reject-share); see {}",
            limits.warn_reject_share * 100.0,
            cfg.lake.join("_rejects").display()
        ));
    }
}

/// Stage every month of every table (`period`'s month only, for a one-month ingest) and
/// write them in parallel, the largest months first; with `latest`, the months the
/// export no longer has are removed.
fn write_tables(
    cfg: &Config,
    switch: &mut lake::Switch,
    tables: std::collections::BTreeMap<Table, ingest::TableRows>,
    period: PeriodArg,
) -> Result<(), Failure> {
    let wanted = |p: Period| match period {
        PeriodArg::Month(only) => p == only,
        _ => true,
    };
    // Where each month of each table goes (staged) is decided here; the frames are then
    // built and written in parallel, the largest months first.
    let tables: Vec<(Table, ingest::Partitions)> = tables
        .into_iter()
        .map(|(t, rows)| (t, rows.partitions()))
        .collect();
    let mut jobs: Vec<(usize, Period, usize, PathBuf)> = Vec::new();
    for (ti, (table, parts)) in tables.iter().enumerate() {
        for (p, n) in parts.months().filter(|(p, _)| wanted(*p)) {
            let dir = lake::partition_dir(&cfg.lake, table.name(), p);
            jobs.push((ti, p, n, switch.stage(&dir).join(lake::PART_FILE)));
        }
    }
    let results = crate::parallel::map(
        &jobs,
        |(_, _, n, _)| *n as u64,
        |(ti, p, _, path)| -> Result<(), Failure> {
            lake::write_file(path, &tables[*ti].1.frame(*p)?).map_err(|e| switch.unstage(e))?;
            Ok(())
        },
    );
    results.into_iter().collect::<Result<(), Failure>>()?;
    if period == PeriodArg::Latest {
        for (ti, (table, _)) in tables.iter().enumerate() {
            let written: BTreeSet<Period> =
                jobs.iter().filter(|j| j.0 == ti).map(|j| j.1).collect();
            for p in lake::partitions(&cfg.lake, table.name())? {
                if !written.contains(&p) {
                    switch.remove(&lake::partition_dir(&cfg.lake, table.name(), p));
                }
            }
        }
    }
    Ok(())
}

/// The stage's line: rows read = accepted + rejected, and what else happened.
fn say_done(cfg: &Config, counts: &Counts) {
    let (superseded, answers_rejected) = (counts.superseded, counts.answers_rejected);
    let mut also = if superseded > 0 {
        format!(" + {superseded} superseded")
    } else {
        String::new()
    };
    if answers_rejected > 0 {
        also.push_str(&format!(
            " (and {answers_rejected} answers rejected in accepted rows)"
        ));
    }
    super::say::stage(
        &format!(
            "ingest: {} rows read = {} accepted + {} rejected{also}, lake at {}",
            counts.read,
            counts.accepted,
            counts.rejected,
            cfg.lake.display()
        ),
        Some(
            serde_json::json!({"stage": "ingest", "rows_read": counts.read, "rows_accepted": counts.accepted, "rows_rejected": counts.rejected, "rows_superseded": superseded, "answers_rejected": answers_rejected}),
        ),
    );
}
