//! `csat.toml`: read the raw file, then validate it into a [`Config`] before any work.
//!
//! Two steps, as in ripgrep's low-level/high-level arguments: [`RawConfig`] mirrors the
//! TOML; [`Config::resolve`] checks every key (paths exist, ids declared once, weights sum
//! to 1, scales sane, mappings name known fields) and reports every problem at once, each
//! naming its key and the fix. Stages only ever see the resolved [`Config`]. Relative paths
//! are relative to the directory holding `csat.toml`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

use crate::schema::{self, SourceKind};

mod parse;
mod raw;
mod resolve;
mod source;
pub use raw::*;
use resolve::*;
use source::resolve_source;
pub use source::{Dated, Encoding, Format, Preset, RawSource, Source, FROM_FILE_NAME};

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}; pass the workspace's csat.toml with --config")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} has {} problem(s):\n{}", problems.len(), problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        path: PathBuf,
        problems: Vec<String>,
    },
}

// ---------------------------------------------------------------------------------------
// The resolved, checked form.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "zh" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            other => Err(format!("`{other}` is not a report language; use zh or en")),
        }
    }
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Rating,
    Nps,
    Loyalty,
    Overall,
    Comment,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub dimension: Option<String>,
    pub min: f64,
    pub max: f64,
    pub role: Role,
    /// Answer text (trimmed, lower case) → score, from `[value_maps]`.
    pub values: BTreeMap<String, f64>,
    pub reverse: bool,
    /// Answers meaning "no answer" for this item (beside the source's).
    pub missing: Vec<String>,
}

impl Item {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Dimension {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub weight: f64,
}

#[derive(Debug, Clone)]
pub struct CatalogEntry {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub region: Option<String>,
    pub aliases: Vec<String>,
}

impl CatalogEntry {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub path: PathBuf,
    pub root: PathBuf,
    pub org_zh: String,
    pub org_en: String,
    pub logo: Option<PathBuf>,
    /// `[workspace] period`: what `csat run` works on without `--period`.
    pub run_period: crate::period::PeriodArg,
    /// `[report] template`: the Typst template to use instead of the built-in one.
    pub template: Option<PathBuf>,
    /// `[report] accent`: `#rrggbb`.
    pub accent: String,
    pub lake: PathBuf,
    pub marts: PathBuf,
    pub reports: PathBuf,
    pub lang: Lang,
    pub timezone: crate::zone::Zone,
    pub pii: PiiMode,
    /// The configured hashing key, or where to find one (`cmd` resolves it).
    pub pii_key: Option<String>,
    pub pii_key_env: String,
    pub weighting: Option<Weighting>,
    pub churn_after_days: Option<i64>,
    /// `[complaints]`: what "in time" means.
    pub commitments: Commitments,
    pub churn_controls: Vec<String>,
    /// The text of a configured holiday calendar (`None`: the shipped one).
    pub calendar: Option<String>,
    pub min_n: usize,
    /// `[limits] max_cell_bytes`: longer cells are cut to it on ingest.
    pub max_cell_bytes: usize,
    pub confidence: f64,
    pub report_segments: Vec<String>,
    /// `[[fields]]`: custom segments and numbers the sources may map.
    pub fields: Vec<CustomField>,
    pub catalog: BTreeMap<String, Vec<CatalogEntry>>,
    pub dimensions: Vec<Dimension>,
    pub items: Vec<Item>,
    pub sources: Vec<Source>,
}

/// Values that mean "no answer" unless a source says otherwise: blank, 问卷星's `-2`
/// (question not shown), `-3` (skipped) and `(空)` (open question left empty), and the
/// usual "not applicable" / "don't know" answers.
pub const DEFAULT_MISSING: [&str; 12] = [
    "",
    "-2",
    "-3",
    "(空)",
    "不适用",
    "不知道",
    "说不清",
    "N/A",
    "NA",
    "n/a",
    "Not applicable",
    "Don't know",
];

/// What happens to personal identifiers at ingest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PiiMode {
    /// Replaced by a keyed hash: joins still work, the person is not named.
    Hash,
    Keep,
    Drop,
}

impl Config {
    /// Read and validate `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let invalid = |problems| ConfigError::Invalid {
            path: path.to_path_buf(),
            problems,
        };
        // Every problem at once: the keys' (unknown, wrong type) and then the values'.
        let (raw, mut problems) = parse::raw_config(&text).map_err(invalid)?;
        // An empty root (config in the current directory) keeps paths short in messages.
        let root = path.parent().unwrap_or(Path::new("")).to_path_buf();
        match Config::resolve(raw, path, &root) {
            Ok(cfg) if problems.is_empty() => Ok(cfg),
            Ok(_) => Err(invalid(problems)),
            Err(ConfigError::Invalid { problems: more, .. }) => {
                problems.extend(more);
                Err(invalid(problems))
            }
            Err(e) => Err(e),
        }
    }

    /// Check every key of `raw` and resolve paths against `root`.
    pub fn resolve(raw: RawConfig, path: &Path, root: &Path) -> Result<Config, ConfigError> {
        let mut p = Vec::new();
        let lang = match raw.report.lang.as_deref().unwrap_or("zh").parse::<Lang>() {
            Ok(l) => l,
            Err(e) => {
                p.push(format!("report.lang: {e}"));
                Lang::Zh
            }
        };
        let min_n = raw.thresholds.min_n.unwrap_or(30);
        if min_n < 2 {
            p.push(format!("thresholds.min_n = {min_n}: a cell needs at least 2 answers for a spread; use 30 (the default) unless you know better"));
        }
        let max_cell_bytes = match raw.limits.max_cell_bytes {
            None => DEFAULT_MAX_CELL_BYTES,
            Some(n) if n >= 256 => n as usize,
            Some(n) => {
                p.push(format!("limits.max_cell_bytes = {n}: too small to hold a comment; use at least 256 (default {DEFAULT_MAX_CELL_BYTES})"));
                DEFAULT_MAX_CELL_BYTES
            }
        };
        let confidence = raw.thresholds.confidence.unwrap_or(0.95);
        if !(confidence > 0.5 && confidence < 1.0) {
            p.push(format!("thresholds.confidence = {confidence}: give a level between 0.5 and 1, such as 0.95"));
        }
        let catalog = resolve_catalog(&raw.catalog, lang, &mut p);
        // Whether the workspace surveys its own customers (its questionnaire then needs an
        // overall item); the source kinds are checked in full below.
        let survey = raw.sources.iter().any(|s| {
            matches!(
                s.kind.as_str(),
                "survey" | "phone" | "mail" | "interview" | "focus_group"
            )
        });
        let (dimensions, items) =
            resolve_questionnaire(&raw.questionnaire, &raw.value_maps, survey, lang, &mut p);
        let timezone =
            match crate::zone::Zone::parse(raw.workspace.timezone.as_deref().unwrap_or("+08:00")) {
                Ok(t) => t,
                Err(e) => {
                    p.push(format!("workspace.timezone: {e}"));
                    crate::zone::Zone::china()
                }
            };
        let weighting = raw.weighting.as_ref().map(|w| {
            for (i, v) in w.rake.iter().enumerate() {
                if !["region", "store", "tier"].contains(&v.as_str()) {
                    p.push(format!("weighting.rake[{i}] = `{v}`: rake to region, store or tier (the customer file's segments)"));
                }
            }
            if w.rake.is_empty() {
                p.push("weighting.rake is empty; name the customer-file segments to weight to, e.g. [\"region\", \"tier\"]".into());
            }
            let cap = w.cap.unwrap_or(5.0);
            if !(cap > 1.0) {
                p.push(format!("weighting.cap = {cap}: the cap is a ratio above 1, such as 5"));
            }
            Weighting { rake: w.rake.clone(), cap }
        });
        let churn_controls = raw
            .churn
            .controls
            .clone()
            .unwrap_or_else(|| vec!["tier".into()]);
        for (i, c) in churn_controls.iter().enumerate() {
            let custom = raw.fields.iter().any(|f| &f.id == c);
            if !["region", "store", "tier"].contains(&c.as_str())
                && !DERIVED_CONTROLS.contains(&c.as_str())
                && !custom
            {
                p.push(format!("churn.controls[{i}] = `{c}`: control for the customer file's segments (region, store, tier, a [[fields]] segment), numbers (value, a [[fields]] number), tenure (years since the first purchase) or satisfaction (the customer's mean overall answer)"));
            }
        }
        let calendar = match &raw.churn.calendar {
            None => None,
            Some(c) => match std::fs::read_to_string(root.join(c)) {
                Ok(text) => match crate::calendar::Calendar::parse(&text) {
                    Ok(_) => Some(text),
                    Err(e) => {
                        p.push(format!("churn.calendar = `{c}`: {e}"));
                        None
                    }
                },
                Err(e) => {
                    p.push(format!("churn.calendar = `{c}`: cannot read it ({e}); fix the path (relative to csat.toml)"));
                    None
                }
            },
        };
        let pii = match raw.privacy.pii.as_deref().unwrap_or("hash") {
            "hash" => PiiMode::Hash,
            "keep" => PiiMode::Keep,
            "drop" => PiiMode::Drop,
            other => {
                p.push(format!(
                    "privacy.pii = `{other}`: use hash (default), keep or drop"
                ));
                PiiMode::Hash
            }
        };
        let report_segments = raw.segments.report.unwrap_or_else(|| {
            vec![
                "region".into(),
                "store".into(),
                "tier".into(),
                "channel".into(),
            ]
        });
        let fields = resolve_fields(&raw.fields, lang, &mut p);
        let custom_segments: Vec<&str> = fields
            .iter()
            .filter(|f| f.kind == FieldKind::Segment)
            .map(|f| f.id.as_str())
            .collect();
        for (i, s) in report_segments.iter().enumerate() {
            if !schema::SEGMENTS.contains(&s.as_str()) && !custom_segments.contains(&s.as_str()) {
                p.push(format!(
                    "segments.report[{i}] = `{s}`: not a segment; use some of {}{}",
                    schema::SEGMENTS.join(", "),
                    if custom_segments.is_empty() {
                        ", or declare it in [[fields]] with type = \"segment\"".to_string()
                    } else {
                        format!(", {}", custom_segments.join(", "))
                    }
                ));
            }
        }
        let mut names = BTreeSet::new();
        let mut sources = Vec::new();
        for (i, rs) in raw.sources.iter().enumerate() {
            if !names.insert(rs.name.clone()) {
                p.push(format!(
                    "sources[{i}].name = `{}` is used twice; give each source its own name",
                    rs.name
                ));
            }
            if let Some(s) = resolve_source(i, rs, root, &items, &fields, &mut p) {
                sources.push(s);
            }
        }
        if raw.sources.is_empty() {
            p.push("no [[sources]]: declare at least one input file".into());
        }
        let logo = raw
            .organisation
            .logo
            .as_ref()
            .filter(|l| !l.is_empty())
            .map(|l| root.join(l));
        if let Some(l) = &logo {
            if !l.is_file() {
                p.push(format!(
                    "organisation.logo: no file at {}; fix the path or remove the key",
                    l.display()
                ));
            }
        }
        // Outputs stay inside the workspace: a `..` in an output directory could make a
        // run overwrite files anywhere the user can write.
        for (key, v) in [
            ("workspace.lake", &raw.workspace.lake),
            ("workspace.marts", &raw.workspace.marts),
            ("workspace.reports", &raw.workspace.reports),
        ] {
            if let Some(v) = v {
                if Path::new(v)
                    .components()
                    .any(|c| c == std::path::Component::ParentDir)
                {
                    p.push(format!(
                        "{key} = `{v}`: `..` would write outside the workspace; use a directory inside it (or an absolute path)"
                    ));
                }
            }
        }
        let run_period = match raw.workspace.period.as_deref() {
            None => crate::period::PeriodArg::LastMonth,
            Some(v) => match v.parse() {
                Ok(p) => p,
                Err(e) => {
                    p.push(format!("workspace.period = `{v}`: {e}"));
                    crate::period::PeriodArg::LastMonth
                }
            },
        };
        let template = raw
            .report
            .template
            .as_ref()
            .filter(|t| !t.is_empty())
            .map(|t| root.join(t));
        if let Some(t) = &template {
            if !t.is_file() {
                p.push(format!(
                    "report.template: no file at {}; copy src/render/report.typ there or remove the key",
                    t.display()
                ));
            }
        }
        let accent = raw
            .report
            .accent
            .clone()
            .unwrap_or_else(|| "#1f5e9e".into());
        if !(accent.len() == 7
            && accent.starts_with('#')
            && accent[1..].chars().all(|c| c.is_ascii_hexdigit()))
        {
            p.push(format!(
                "report.accent = `{accent}`: not a colour; write it as #rrggbb, e.g. \"#1f5e9e\""
            ));
        }
        let commitments = resolve_commitments(&raw.complaints, &mut p);
        if !p.is_empty() {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                problems: p,
            });
        }
        let dir = |v: &Option<String>, d: &str| root.join(v.as_deref().unwrap_or(d));
        Ok(Config {
            path: path.to_path_buf(),
            root: root.to_path_buf(),
            org_zh: raw
                .organisation
                .name
                .clone()
                .unwrap_or_else(|| "（未命名组织）".into()),
            org_en: raw
                .organisation
                .name_en
                .or(raw.organisation.name)
                .unwrap_or_else(|| "(unnamed organisation)".into()),
            logo,
            template,
            run_period,
            accent: accent.to_lowercase(),
            lake: dir(&raw.workspace.lake, "data/lake"),
            marts: dir(&raw.workspace.marts, "data/marts"),
            reports: dir(&raw.workspace.reports, "reports"),
            lang,
            timezone,
            pii,
            pii_key: raw.privacy.key.clone(),
            pii_key_env: raw
                .privacy
                .key_env
                .clone()
                .unwrap_or_else(|| "CSAT_PII_KEY".into()),
            weighting,
            churn_after_days: raw.churn.after_days,
            commitments,
            churn_controls,
            calendar,
            min_n: min_n.max(2) as usize,
            max_cell_bytes,
            confidence,
            report_segments,
            fields,
            catalog,
            dimensions,
            items,
            sources,
        })
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The custom field `id` (`[[fields]]`).
    pub fn field(&self, id: &str) -> Option<&CustomField> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// The lake columns a table has beyond its built-in ones: the custom segments for
    /// responses, complaints and customers, and the custom numbers for customers, in their
    /// declared order (stored before `file_id`).
    pub fn extra_columns(&self, table: schema::Table) -> Vec<(String, schema::ColType)> {
        use schema::{ColType, Table};
        self.fields
            .iter()
            .filter_map(|f| match (table, f.kind) {
                (Table::Responses | Table::Complaints | Table::Customers, FieldKind::Segment) => {
                    Some((f.id.clone(), ColType::Cat))
                }
                (Table::Customers, FieldKind::Number) => Some((f.id.clone(), ColType::F64)),
                _ => None,
            })
            .collect()
    }

    /// The custom segments, in their declared order.
    pub fn custom_segments(&self) -> impl Iterator<Item = &CustomField> {
        self.fields.iter().filter(|f| f.kind == FieldKind::Segment)
    }

    /// Whether a source of `kind` is configured.
    pub fn has_kind(&self, kind: schema::SourceKind) -> bool {
        self.sources.iter().any(|s| s.kind == kind)
    }

    /// Whether the workspace surveys its own customers (a response source other than a
    /// competitor survey): what every survey section of the report needs.
    pub fn has_survey(&self) -> bool {
        self.sources
            .iter()
            .any(|s| s.kind.is_response() && s.kind != schema::SourceKind::Competitor)
    }

    /// Whether anything says which customers complained: a complaint log, or a customer
    /// file's `complained` flag (what the complaint → churn analysis needs).
    pub fn has_complaint_info(&self) -> bool {
        self.has_kind(schema::SourceKind::Complaints)
            || self.sources.iter().any(|s| {
                s.kind == schema::SourceKind::Customers && s.columns.contains_key("complained")
            })
    }

    /// Whether the survey answers can carry `segment`: an own survey source maps it (a
    /// region also through its stores' catalogue entries), or a customer file supplies it to
    /// responses that carry a customer id. A segment nothing supplies is left out of the
    /// report instead of showing "no data".
    pub fn segment_available(&self, segment: &str) -> bool {
        let own = || {
            self.sources
                .iter()
                .filter(|s| s.kind.is_response() && s.kind != schema::SourceKind::Competitor)
        };
        let maps = |f: &str| own().any(|s| s.columns.contains_key(f));
        let by_customer = |f: &str| {
            maps("customer_id")
                && self
                    .sources
                    .iter()
                    .any(|s| s.kind == schema::SourceKind::Customers && s.columns.contains_key(f))
        };
        let stores_have_regions = self
            .catalog
            .get("store")
            .is_some_and(|e| e.iter().any(|x| x.region.is_some()));
        match segment {
            "channel" => true,
            "region" => {
                maps("region") || ((maps("store") || by_customer("store")) && stores_have_regions)
            }
            other => maps(other) || by_customer(other),
        }
    }

    /// The report segments the data can carry, in the configured order.
    pub fn available_segments(&self) -> impl Iterator<Item = &String> {
        self.report_segments
            .iter()
            .filter(|s| self.segment_available(s))
    }

    /// How many survey channels the own survey sources have (one channel: nothing to
    /// compare, no channel section).
    pub fn survey_channels(&self) -> usize {
        let mut ch: Vec<&str> = self
            .sources
            .iter()
            .filter(|s| s.kind.is_response() && s.kind != schema::SourceKind::Competitor)
            .map(|s| s.channel.as_deref().unwrap_or(""))
            .collect();
        ch.sort_unstable();
        ch.dedup();
        ch.len()
    }

    pub fn items_with_role(&self, role: Role) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(move |i| i.role == role)
    }

    /// The label of a segment value in `lang`: the catalogue's, else a built-in channel
    /// label, else the value itself.
    pub fn segment_label<'a>(&'a self, segment: &str, value: &'a str, lang: Lang) -> &'a str {
        if let Some(e) = self
            .catalog
            .get(segment)
            .and_then(|c| c.iter().find(|e| e.id == value))
        {
            return e.label(lang);
        }
        if segment == "channel" {
            if let Some((_, zh, en)) = schema::CHANNELS.iter().find(|(id, _, _)| *id == value) {
                return if lang == Lang::Zh { zh } else { en };
            }
        }
        value
    }
}

/// Names a custom field may not take: every built-in field and column, the composite
/// measures and the derived churn controls.
pub fn reserved_field_ids() -> BTreeSet<&'static str> {
    [
        SourceKind::Survey,
        SourceKind::Complaints,
        SourceKind::Customers,
        SourceKind::Benchmark,
        SourceKind::Actions,
    ]
    .into_iter()
    .flat_map(|k| schema::source_fields(k).iter().map(|f| f.name))
    .chain([
        "period", "source", "file_id", "item_id", "score", "csi", "loyalty",
    ])
    .chain(DERIVED_CONTROLS)
    .collect()
}

#[cfg(test)]
mod tests;
