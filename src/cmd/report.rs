//! `csat report`: marts → charts, the PDF and HTML report, and summary.json.

use chrono::NaiveDate;

use super::{CmdResult, Common, Failure, Kind};
use crate::config::{Config, Lang};
use crate::lake;
use crate::mart::{Mart, MartSet, Note};
use crate::period::Period;
use crate::render::{self, model::Inputs};

/// Render one month's report into `<reports>/YYYY-MM/`: report.pdf (A4, embedded CJK font,
/// outline), report.html (self-contained), summary.json (headline figures) and
/// charts/*.svg|png. The marts must exist (`csat analyze`).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Report language (default: report.lang in csat.toml).
    #[arg(long, value_name = "zh|en")]
    pub lang: Option<Lang>,
    /// Also write one A4 scorecard per store and per region to scorecards/<store>.pdf, and
    /// all of them in scorecards/scorecards.pdf (default: [report] scorecards).
    #[arg(long)]
    pub scorecards: bool,
}

pub fn run(args: &Args) -> CmdResult {
    let (cfg, _lock, period) = args.common.open(crate::period::PeriodArg::Latest)?;
    let what = What {
        lang: args.lang.unwrap_or(cfg.lang),
        scorecards: args.scorecards || cfg.scorecards,
    };
    report(&cfg, period, what, args.common.as_of()).map(|_| ())
}

/// What a report run renders: its language, and whether the scorecards too.
#[derive(Debug, Clone, Copy)]
pub struct What {
    pub lang: Lang,
    pub scorecards: bool,
}

/// Render the report of `period` into `<reports>/YYYY-MM/` (switched over whole); returns
/// the path of the PDF.
pub fn report(
    cfg: &Config,
    period: Period,
    what: What,
    as_of: NaiveDate,
) -> Result<std::path::PathBuf, Failure> {
    let lang = what.lang;
    let marts = read_marts(cfg, period)?;
    let ledger_path = cfg.lake.join("_ledger").join("files.parquet");
    let ledger = if ledger_path.is_file() {
        Some(lake::read_file(&ledger_path)?)
    } else {
        None
    };
    let rejects = read_rejects(cfg)?;
    let notes_path = lake::mart_path(&cfg.marts, period, Note::NAME);
    let notes = if notes_path.is_file() {
        Note::from_frame(&lake::read_file(&notes_path)?)
            .map_err(|e| Failure::new(Kind::Data, format!("{}: {e}", notes_path.display())))?
            .into_iter()
            .map(|n| n.note)
            .collect()
    } else {
        Vec::new()
    };
    let logo = match &cfg.logo {
        Some(p) => Some(std::fs::read(p).map_err(|e| {
            Failure::new(
                Kind::Data,
                format!("cannot read the logo {}: {e}", p.display()),
            )
        })?),
        None => None,
    };
    let template = match &cfg.template {
        Some(p) => Some(std::fs::read_to_string(p).map_err(|e| {
            Failure::new(
                Kind::Data,
                format!("cannot read the report template {}: {e}", p.display()),
            )
        })?),
        None => None,
    };
    let inputs = Inputs {
        cfg,
        lang,
        period,
        marts: &marts,
        ledger: ledger.as_ref(),
        rejects: rejects.as_ref(),
        notes,
        generated_on: as_of.to_string(),
    };
    let mut out = render::report(&inputs, as_of, logo, template.as_deref())?;
    let mut cards = 0;
    if what.scorecards {
        let sc = render::scorecards::render(&inputs, as_of)?.ok_or_else(|| {
            Failure::new(
                Kind::Data,
                format!("{period} has no store or region figures to make scorecards of"),
            )
            .with_hint("scorecards need `store` or `region` in [segments] report and a survey or complaint source that carries it")
        })?;
        cards = sc.files.len() - 1;
        out.files.extend(sc.files);
        out.warnings.extend(sc.warnings);
    }
    for w in &out.warnings {
        super::say::warn(w);
    }
    let dir = cfg.reports.join(period.to_string());
    let mut switch = lake::Switch::new(&cfg.reports);
    let staged = switch.stage(&dir);
    for (name, bytes) in &out.files {
        lake::write_atomic(&staged.join(name), bytes).map_err(|e| switch.unstage(e))?;
    }
    super::keep_users_files(&dir, &staged, &switch)?;
    switch.commit()?;
    if cards > 0 {
        super::say::stage(
            &format!(
                "scorecards {period}: {cards} in {}",
                dir.join("scorecards").display()
            ),
            None,
        );
    }
    super::say::stage(
        &format!(
            "report {period} ({}): {}",
            lang.code(),
            dir.join("report.pdf").display()
        ),
        None,
    );
    Ok(dir.join("report.pdf"))
}

/// Every mart the period has, read into its rows (`csat analyze` wrote them).
pub fn read_marts(cfg: &Config, period: Period) -> Result<MartSet, Failure> {
    // The marts of the period, whichever the workspace's sources gave (a complaints-only
    // workspace has no survey marts); none at all means analyze has not run.
    let dir = cfg.marts.join(format!("period={period}"));
    if !dir.is_dir() {
        return Err(Failure::new(
            Kind::Data,
            format!("no marts for {period} at {}", dir.display()),
        )
        .with_hint(format!("run `csat analyze --period {period}` first")));
    }
    // Every mart the period has, read into its rows; a file that is not what its type says
    // (an older mart) names the file and the column.
    let path = |name| lake::mart_path(&cfg.marts, period, name);
    MartSet::read(
        |name| -> Result<_, Failure> {
            let p = path(name);
            Ok(match p.is_file() {
                true => Some(lake::read_file(&p)?),
                false => None,
            })
        },
        // The file named, and the way out: analyze writes the marts anew.
        |name, e| {
            Failure::new(Kind::Data, format!("{}: {e}", path(name).display()))
                .with_hint(format!("run `csat analyze --period {period}` again"))
        },
    )
}

fn read_rejects(cfg: &Config) -> Result<Option<crate::frame::DataFrame>, Failure> {
    let mut acc = None;
    for s in &cfg.sources {
        let p = lake::rejects_path(&cfg.lake, &s.name);
        if p.is_file() {
            crate::frame::append(&mut acc, lake::read_file(&p)?)
                .map_err(|e| Failure::new(Kind::Data, e.to_string()))?;
        }
    }
    Ok(acc)
}
