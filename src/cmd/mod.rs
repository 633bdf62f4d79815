//! Subcommands, one file each. This is the only layer that sequences stages and touches
//! the file system for them; errors from the stages are mapped here to exit codes.

pub mod analyze;
pub mod demo;
pub mod ingest;
pub mod init;
pub mod plan;
pub mod report;
pub mod run;
pub mod say;
pub mod status;
pub mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;

use crate::config::{Config, ConfigError};
use crate::lake::LakeError;
use crate::period::{Period, PeriodArg};

/// Exit codes (documented in `--help` and the README).
pub mod exit {
    /// Everything done.
    pub const OK: u8 = 0;
    /// A bug: an internal error that should never happen; please report it.
    pub const INTERNAL: u8 = 1;
    /// Bad command line or configuration (clap also uses 2 for usage errors).
    pub const USAGE: u8 = 2;
    /// The data cannot be used: an unreadable input file, a missing column, no data for
    /// the requested period, a lake that was never ingested.
    pub const DATA: u8 = 3;
    /// An output could not be written (permissions, disk full).
    pub const OUTPUT: u8 = 4;
    /// Another run holds the workspace lock; nothing was done.
    pub const LOCKED: u8 = 5;
    /// Done, with warnings worth a look (e.g. a file's reject share above
    /// `--warn-reject-share`, characters the report font lacks).
    pub const WARNINGS: u8 = 6;
}

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  internal error (a bug; please report it)
  2  usage or configuration error (the message names the key and the fix)
  3  data error (unreadable input, missing column, no data, too many rejects)
  4  output error (a file could not be written)
  5  another run holds the workspace lock (its pid and start time are printed); nothing done
  6  success with warnings (e.g. reject share above --warn-reject-share); outputs written";

/// What kind of failure a command ended in. The exit code of each kind is assigned here,
/// in [`Kind::code`], and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A bug.
    Internal,
    /// The command line or the configuration.
    Usage,
    /// The data (inputs, lake, marts).
    Data,
    /// An output could not be written.
    Output,
    /// Another run holds the workspace.
    Locked,
}

impl Kind {
    pub fn code(self) -> u8 {
        match self {
            Kind::Internal => exit::INTERNAL,
            Kind::Usage => exit::USAGE,
            Kind::Data => exit::DATA,
            Kind::Output => exit::OUTPUT,
            Kind::Locked => exit::LOCKED,
        }
    }
}

/// A failed command: its kind (hence its exit code), the message, what to do about it when
/// that can be said apart, and the error it came from.
#[derive(Debug)]
pub struct Failure {
    pub kind: Kind,
    pub message: String,
    /// The fix, printed after the message (`message; hint`) and its own key in JSON logs.
    pub hint: Option<String>,
    /// The stage's error, kept with its chain of causes (JSON logs list them as `cause`).
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Failure {
    pub fn new(kind: Kind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
            hint: None,
            source: None,
        }
    }

    /// A failure from a stage's error: its message, its hint, and the error kept.
    fn of<E: std::error::Error + Send + Sync + 'static>(
        kind: Kind,
        e: E,
        hint: Option<&str>,
    ) -> Failure {
        Failure {
            kind,
            message: e.to_string(),
            hint: hint.map(String::from),
            source: Some(Box::new(e)),
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.kind.code())
    }

    /// The causes below the message (each error's source in turn), for the JSON log.
    pub fn causes(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut at = self.source.as_deref().and_then(|e| e.source());
        while let Some(e) = at {
            out.push(e.to_string());
            at = e.source();
        }
        out
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Failure {
        Failure::of(Kind::Usage, e, None)
    }
}

impl From<LakeError> for Failure {
    fn from(e: LakeError) -> Failure {
        let kind = match e {
            LakeError::Write { .. } => Kind::Output,
            _ => Kind::Data,
        };
        let hint = e.hint();
        Failure::of(kind, e, hint)
    }
}

impl From<crate::ingest::IngestError> for Failure {
    fn from(e: crate::ingest::IngestError) -> Failure {
        let kind = match e {
            crate::ingest::IngestError::Frame { .. } => Kind::Internal,
            _ => Kind::Data,
        };
        Failure::of(kind, e, None)
    }
}

impl From<crate::metrics::MetricsError> for Failure {
    fn from(e: crate::metrics::MetricsError) -> Failure {
        use crate::metrics::MetricsError as M;
        let kind = match e {
            M::Column { .. } | M::Load(_) => Kind::Data,
            _ => Kind::Internal,
        };
        let hint = e.hint();
        Failure::of(kind, e, hint)
    }
}

impl From<crate::render::RenderError> for Failure {
    fn from(e: crate::render::RenderError) -> Failure {
        let kind = match e {
            crate::render::RenderError::Data(_) => Kind::Data,
            _ => Kind::Internal,
        };
        Failure::of(kind, e, None)
    }
}

impl From<crate::lock::LockError> for Failure {
    fn from(e: crate::lock::LockError) -> Failure {
        let kind = match e {
            crate::lock::LockError::Held { .. } => Kind::Locked,
            crate::lock::LockError::Io { .. } => Kind::Output,
        };
        Failure::of(kind, e, None)
    }
}

impl From<crate::mart::MartError> for Failure {
    fn from(e: crate::mart::MartError) -> Failure {
        Failure::of(Kind::Internal, e, None)
    }
}

pub type CmdResult = Result<(), Failure>;

/// Take the workspace lock and finish or undo what a killed run left (see
/// [`crate::lake::Switch`]). Every command that writes to the workspace starts here.
pub fn lock_workspace(cfg: &Config) -> Result<crate::lock::Lock, Failure> {
    let started = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let lock = crate::lock::acquire(&cfg.root, &started)?;
    if let Some(prev) = &lock.took_over {
        say::notice(&format!(
            "the previous run ({prev}) did not finish; its lock was released when it stopped, taking over"
        ));
    }
    let mut cleaned = 0;
    for root in [&cfg.lake, &cfg.marts, &cfg.reports] {
        cleaned += crate::lake::recover(root)?;
    }
    if cleaned > 0 {
        say::notice(&format!(
            "removed {cleaned} partial outputs of an interrupted run; the last complete state is kept"
        ));
    }
    Ok(lock)
}

/// Options every workspace command shares.
#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// The workspace configuration.
    #[arg(long, short = 'c', default_value = "csat.toml", value_name = "FILE")]
    pub config: PathBuf,
    /// The month to work on: YYYY-MM; `latest` (the newest month with data; the default
    /// of ingest, analyze and report); `last-month` (the calendar month before --as-of; the
    /// default of run, for schedules on the 1st).
    #[arg(long, short = 'p', value_name = "YYYY-MM|latest|last-month")]
    pub period: Option<PeriodArg>,
    /// The analysis date (default: today). Timestamps after it are rejected as keying
    /// errors; reports show it as their generation date. Fix it for reproducible runs.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

impl Common {
    pub fn load(&self) -> Result<Config, Failure> {
        Ok(Config::load(&self.config)?)
    }

    /// Load the config, take the workspace lock (recovering an interrupted run) and resolve
    /// `--period` (or `default` without one): how every writing command starts.
    pub fn open(&self, default: PeriodArg) -> Result<(Config, crate::lock::Lock, Period), Failure> {
        let cfg = self.load()?;
        let lock = lock_workspace(&cfg)?;
        let period = resolve_period(&cfg, self.period.unwrap_or(default), self.as_of())?;
        Ok((cfg, lock, period))
    }

    pub fn as_of(&self) -> NaiveDate {
        self.as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }
}

/// Resolve `--period`: `latest` is the newest month of the `responses` table (or of the
/// complaints and customers when there are no surveys); `last-month` the month before
/// `as_of`, which must have data.
pub fn resolve_period(cfg: &Config, arg: PeriodArg, as_of: NaiveDate) -> Result<Period, Failure> {
    let arg = match arg {
        PeriodArg::LastMonth => PeriodArg::Month(Period::of_date(as_of).prev()),
        other => other,
    };
    let mut months = crate::lake::partitions(&cfg.lake, "responses")?;
    if months.is_empty() {
        // A workspace without surveys (complaints and customers only) is analysed by the
        // months its complaint log and customer file cover.
        months.extend(crate::lake::partitions(&cfg.lake, "complaints")?);
        months.extend(crate::lake::partitions(&cfg.lake, "customers")?);
        months.sort();
        months.dedup();
    }
    match arg {
        PeriodArg::Month(p) if months.contains(&p) => Ok(p),
        PeriodArg::Month(p) => Err(Failure::new(Kind::Data,
            format!(
                "no data for {p} in {}; months with data: {}. Sources looked at: {}",
                cfg.lake.display(),
                if months.is_empty() { "none".to_string() } else { months.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(", ") },
                cfg.sources.iter().map(|s| format!("{} ({})", s.name, s.pattern)).collect::<Vec<_>>().join(", ")
            ),
        )
        .with_hint("add the month's exports to those paths and run again, or choose a month with data (--period)")),
        PeriodArg::LastMonth => unreachable!("resolved above"),
        PeriodArg::Latest => months.last().copied().ok_or_else(|| {
            Failure::new(Kind::Data,
                format!("the lake at {} has no survey data yet", cfg.lake.display()),
            )
            .with_hint("run `csat ingest` first")
        }),
    }
}

/// Carry the files csat did not write from the old output directory `dir` into its staged
/// replacement (see [`crate::lake::manifest`]), with a warning for each: a rerun replaces
/// csat's outputs, never the user's files.
pub fn keep_users_files(
    dir: &std::path::Path,
    staged: &std::path::Path,
    switch: &crate::lake::Switch,
) -> Result<(), Failure> {
    let kept = crate::lake::manifest::carry_foreign(dir, staged).map_err(|e| switch.unstage(e))?;
    for f in kept {
        say::warn(&format!(
            "kept {}: csat did not write it, so a rerun leaves it in place (csat replaces only the files listed in {})",
            dir.join(&f).display(),
            dir.join(crate::lake::manifest::MANIFEST).display()
        ));
    }
    Ok(())
}
