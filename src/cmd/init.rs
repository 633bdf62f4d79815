//! `csat init`: a first `csat.toml` from a stranger's files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{CmdResult, Failure, Kind};
use crate::config::{Config, Encoding, Format};
use crate::ingest::propose::{self, SourcePlan};
use crate::ingest::{preset, read};

/// Read the files, recognise each one's layout (问卷星, 腾讯问卷, Qualtrics, …), encoding,
/// delimiter and header rows, guess what each column is (an id, a date, a store, a rating
/// item with its observed range, NPS, a yes/no flag, a comment, personal data to leave out),
/// and write a commented csat.toml (and copy the files into raw/) that `csat validate`
/// accepts; what it could not decide is marked `# TODO` with the choices. An existing
/// csat.toml is never overwritten without --force.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The workspace directory to write csat.toml and raw/ into.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub out: PathBuf,
    /// Replace an existing csat.toml.
    #[arg(long)]
    pub force: bool,
    /// The analysis date (files without dates are dated the month before it).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<chrono::NaiveDate>,
    /// The exports, call sheets, complaint logs and customer files to start from.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

pub fn run(args: &Args) -> CmdResult {
    let config = args.out.join("csat.toml");
    if config.exists() && !args.force {
        return Err(Failure::new(Kind::Usage,
            format!(
                "{} exists; csat init never overwrites an edited config: pass --force to replace it, or --out another directory",
                config.display()
            ),
        ));
    }
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let last_month = crate::period::Period::of_date(as_of).prev().to_string();
    let mut plans = Vec::new();
    for file in &args.files {
        let plan = plan_file(
            file,
            &last_month,
            plans.iter().map(|p: &SourcePlan| p.items.len()).sum(),
        )?;
        plans.push(plan);
    }
    unique_names(&mut plans);
    propose::merge_items(&mut plans);
    let raw = args.out.join("raw");
    for (file, plan) in args.files.iter().zip(&plans) {
        let target = raw.join(&plan.file_name);
        let same = std::fs::canonicalize(file).ok() == std::fs::canonicalize(&target).ok();
        if !same {
            let bytes = std::fs::read(file).map_err(|e| read_err(file, e))?;
            crate::lake::write_atomic(&target, &bytes)?;
        }
    }
    let text = render(&plans, as_of);
    crate::lake::write_atomic(&config, text.as_bytes())?;
    let todos = text.matches("TODO").count();
    // What was written must load; a problem here is a bug of init, reported as such.
    Config::load(&config).map_err(|e| {
        Failure::new(
            Kind::Internal,
            format!("csat init wrote a config that does not load ({e}); please report this"),
        )
    })?;
    summarise(&config, &plans, todos);
    Ok(())
}

fn read_err(file: &Path, e: std::io::Error) -> Failure {
    Failure::new(Kind::Data, format!("cannot read {}: {e}", file.display()))
}

/// Read one file with its layout applied and propose a source for it.
fn plan_file(file: &Path, last_month: &str, items_before: usize) -> Result<SourcePlan, Failure> {
    let bytes = std::fs::read(file).map_err(|e| read_err(file, e))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "data.csv".into());
    let lower = name.to_lowercase();
    let format = if lower.ends_with(".xlsx") || lower.ends_with(".xls") || lower.ends_with(".xlsm")
    {
        Format::Xlsx
    } else {
        Format::Csv
    };
    let bad = |e: String| Failure::new(Kind::Data, format!("{}: {e}", file.display()));
    let opened = read::read_bytes(&bytes, format, Encoding::Auto, None).map_err(bad)?;
    let (layout, rows) = preset::apply(None, opened, false).map_err(bad)?;
    let rows = rows
        .map(|r| r.map(|r| layout.shape(r)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(bad)?;
    let table = read::RawTable {
        headers: layout.headers.clone(),
        rows,
        encoding: layout.encoding,
    };
    Ok(propose::propose(
        &name,
        &table,
        layout.preset,
        &layout.meta,
        last_month,
        items_before,
    ))
}

/// Source names are unique (two files with the same stem get a number).
fn unique_names(plans: &mut [SourcePlan]) {
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    for p in plans.iter_mut() {
        let n = seen.entry(p.name.clone()).or_default();
        *n += 1;
        if *n > 1 {
            p.name = format!("{}_{n}", p.name);
        }
    }
}

/// A TOML string literal.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn render(plans: &[SourcePlan], as_of: chrono::NaiveDate) -> String {
    let mut t = String::new();
    let files: Vec<&str> = plans.iter().map(|p| p.file_name.as_str()).collect();
    let _ = writeln!(
        t,
        "# csat.toml written by `csat init` on {as_of} from: {}.",
        files.join(", ")
    );
    let _ = writeln!(
        t,
        "# Check every line marked TODO, then run `csat validate` (it reads every configured file"
    );
    let _ = writeln!(
        t,
        "# and shows how each column is mapped) and `csat run`. README, \"With your own data\".\n"
    );
    let _ = writeln!(t, "[organisation]\nname = \"组织名称\"  # TODO: your organisation's name (the report's cover)\nname_en = \"Organisation\"\n");
    let _ = writeln!(
        t,
        "[workspace]\nlake = \"data/lake\"\nmarts = \"data/marts\"\nreports = \"reports\""
    );
    let _ = writeln!(t, "# The month `csat run` reports without --period: the newest with data (for a monthly\n# job on the 1st set \"last-month\").\nperiod = \"latest\"\n");
    let _ = writeln!(t, "[privacy]\n# Customer ids are stored as keyed hashes; the key is created in .csat-key on first use\n# (keep it with the workspace). Columns with names, phones, e-mails or IPs are not mapped.\n");
    questionnaire(&mut t, plans);
    fields(&mut t, plans);
    catalogs(&mut t, plans);
    churn(&mut t, plans);
    for p in plans {
        source(&mut t, p);
    }
    t
}

fn questionnaire(t: &mut String, plans: &[SourcePlan]) {
    // One entry per item id: the widest scale its files show, every no-answer code.
    let mut merged: Vec<propose::ItemPlan> = Vec::new();
    for it in plans.iter().flat_map(|p| &p.items) {
        match merged.iter_mut().find(|m| m.id == it.id) {
            Some(m) => {
                m.min = m.min.min(it.min);
                m.max = m.max.max(it.max);
                for x in &it.missing {
                    if !m.missing.contains(x) {
                        m.missing.push(x.clone());
                    }
                }
                for v in &it.values {
                    if !m.values.contains(v) {
                        m.values.push(v.clone());
                    }
                }
            }
            None => merged.push(it.clone()),
        }
    }
    let items: Vec<&propose::ItemPlan> = merged.iter().collect();
    if items.is_empty() {
        return;
    }
    let _ = writeln!(t, "[questionnaire]\n# TODO (optional): group the rating items into [[questionnaire.dimensions]] (id, zh, en,\n# weight; weights sum to 1) and give each item a dimension = \"…\" for the CSI and the\n# key-driver analysis.\nitems = [");
    for it in &items {
        let scale = if it.role == "comment" {
            String::new()
        } else {
            format!(", scale = [{}, {}]", it.min, it.max)
        };
        let missing = if it.missing.is_empty() {
            String::new()
        } else {
            format!(
                ", missing = [{}]",
                it.missing
                    .iter()
                    .map(|m| q(m))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let values = if it.values.is_empty() {
            String::new()
        } else {
            format!(", values = {}", q(&it.id))
        };
        let _ = writeln!(
            t,
            "  {{ id = {}, zh = {}, en = {}{scale}, role = {}{missing}{values} }},{}",
            q(&it.id),
            q(&clip(propose::question_text(&it.header))),
            q(&clip(propose::question_text(&it.header))),
            q(it.role),
            it.note
                .as_ref()
                .map(|n| format!("  # {n}"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(t, "]\n");
    for it in items.iter().filter(|i| !i.values.is_empty()) {
        let _ = writeln!(t, "[value_maps.{}]", it.id);
        for (k, v) in &it.values {
            let _ = writeln!(t, "{} = {v}", q(&k.to_lowercase()));
        }
        t.push('\n');
    }
}

fn clip(s: &str) -> String {
    s.chars().take(60).collect()
}

fn fields(t: &mut String, plans: &[SourcePlan]) {
    let mut seen = std::collections::BTreeSet::new();
    for f in plans.iter().flat_map(|p| &p.fields) {
        if seen.insert(f.id.clone()) {
            let _ = writeln!(
                t,
                "[[fields]]  # the column `{}`\nid = {}\nzh = {}\nen = {}\ntype = {}\n",
                f.header,
                q(&f.id),
                q(&clip(&f.header)),
                q(&clip(&f.header)),
                q(f.ty)
            );
        }
    }
    let segs: Vec<&str> = plans
        .iter()
        .flat_map(|p| &p.fields)
        .filter(|f| f.ty == "segment")
        .map(|f| f.id.as_str())
        .collect();
    let survey = plans
        .iter()
        .any(|p| matches!(p.kind, "survey" | "phone" | "mail" | "interview"));
    if survey {
        let mut report: Vec<String> = ["region", "store"]
            .iter()
            .filter(|s| plans.iter().any(|p| p.columns.iter().any(|c| c.0 == **s)))
            .map(|s| s.to_string())
            .collect();
        report.push("channel".into());
        report.extend(segs.iter().take(4).map(|s| s.to_string()));
        let _ = writeln!(
            t,
            "[segments]\n# The cuts of the report (built-in region, store, tier, product_line, channel, and\n# [[fields]] segments).\nreport = [{}]\n",
            report.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
        );
    }
}

fn catalogs(t: &mut String, plans: &[SourcePlan]) {
    let mut done = std::collections::BTreeSet::new();
    for (seg, values) in plans.iter().flat_map(|p| &p.catalogs) {
        if !done.insert(seg.clone()) {
            continue;
        }
        let _ = writeln!(t, "# The {seg} values seen in the files (ids: change them to your own codes; add the\n# English names and, for stores, region = \"…\"; `aliases` takes other spellings).");
        let ours = (seg == "brand").then(|| own_brand(values));
        if ours == Some(None) {
            let _ = writeln!(t, "# TODO: give your own brand the id \"ours\" (the competitor gaps are measured against it)");
        }
        for (i, v) in values.iter().enumerate() {
            let id = if ours == Some(Some(i)) {
                "ours".to_string()
            } else {
                format!("{}{:02}", &seg[..1].to_uppercase(), i + 1)
            };
            let _ = writeln!(
                t,
                "[[catalog.{seg}]]\nid = {}\nzh = {}\nen = {}",
                q(&id),
                q(v),
                q(v)
            );
        }
        t.push('\n');
    }
}

/// Which brand value is the organisation's own (本品牌, 我司, "our brand", "us").
fn own_brand(values: &[String]) -> Option<usize> {
    values.iter().position(|v| {
        let v = v.to_lowercase();
        ["本品牌", "我司", "本公司", "our", "us", "ours"]
            .iter()
            .any(|w| v == *w || v.starts_with(w) && !w.is_ascii())
            || v.starts_with("our ")
    })
}

fn churn(t: &mut String, plans: &[SourcePlan]) {
    let Some(p) = plans.iter().find(|p| p.kind == "customers") else {
        return;
    };
    let tier = p.columns.iter().any(|c| c.0 == "tier");
    let mut controls: Vec<String> = tier.then(|| "tier".to_string()).into_iter().collect();
    controls.extend(p.controls.iter().cloned());
    let _ = writeln!(
        t,
        "[churn]\n# What the churn model controls for (segments as dummies, numbers as they are; also\n# \"tenure\" with first_purchase, or \"satisfaction\" with a survey keyed by customer id).\ncontrols = [{}]  # TODO: keep the ones that matter\n",
        controls.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    );
}

fn source(t: &mut String, p: &SourcePlan) {
    let _ = writeln!(
        t,
        "[[sources]]\nname = {}\nkind = {}",
        q(&p.name),
        q(p.kind)
    );
    let _ = writeln!(t, "path = {}", q(&format!("raw/{}", p.file_name)));
    if p.preset != "generic" {
        let _ = writeln!(t, "preset = {}  # recognised from the headers", q(p.preset));
    }
    if p.encoding != "utf-8" && p.encoding != "excel" {
        let _ = writeln!(t, "# read as {}", p.encoding);
    }
    if p.kind == "customers" {
        t.push_str("# snapshot = \"YYYY-MM\": the month this file describes (default: the month of the\n# day before the analysis date, i.e. the month just ended when cron runs on the 1st)\n");
    }
    if let Some((period, why)) = &p.period {
        let _ = writeln!(t, "period = {}  # {why}", q(period));
    }
    for todo in &p.todos {
        let _ = writeln!(t, "# TODO: {todo}");
    }
    for (h, why) in &p.skipped {
        let _ = writeln!(t, "# not mapped: `{h}` ({why})");
    }
    let _ = writeln!(t, "[sources.columns]");
    for (f, h) in &p.columns {
        let _ = writeln!(t, "{f} = {}", q(h));
    }
    if !p.items.is_empty() {
        let _ = writeln!(t, "[sources.items]");
        for it in &p.items {
            let _ = writeln!(t, "{} = {}", it.id, q(&it.header));
        }
    }
    t.push('\n');
}

/// Say what was written and what is left to decide.
fn summarise(config: &Path, plans: &[SourcePlan], todos: usize) {
    for p in plans {
        super::say::info(&format!(
            "{}: source kind {} ({} layout), {} columns mapped, {} items{}",
            p.file_name,
            p.kind,
            p.preset,
            p.columns.len(),
            p.items.len(),
            if p.todos.is_empty() {
                String::new()
            } else {
                format!(", {} TODO", p.todos.len())
            }
        ));
    }
    super::say::info(&format!(
        "wrote {} with {todos} TODO to check (the organisation's name among them). Next: csat validate --config {0}, then csat run --config {0}",
        config.display()
    ));
}
