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
mod source;
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
// The file as written.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    pub organisation: RawOrganisation,
    #[serde(default)]
    pub workspace: RawWorkspace,
    #[serde(default)]
    pub report: RawReport,
    #[serde(default)]
    pub thresholds: RawThresholds,
    #[serde(default)]
    pub limits: RawLimits,
    #[serde(default)]
    pub segments: RawSegments,
    /// Columns of the sources' own beyond the built-in fields: segments (city, age band,
    /// member type…) to cut the report by, and numbers (age, tenure…) for the churn model.
    #[serde(default)]
    pub fields: Vec<RawField>,
    #[serde(default)]
    pub privacy: RawPrivacy,
    pub weighting: Option<RawWeighting>,
    #[serde(default)]
    pub churn: RawChurn,
    #[serde(default)]
    pub complaints: RawComplaints,
    #[serde(default)]
    pub catalog: BTreeMap<String, Vec<RawCatalogEntry>>,
    /// Answer text → score, by map name (items refer to a map with `values`).
    #[serde(default)]
    pub value_maps: BTreeMap<String, BTreeMap<String, f64>>,
    /// The survey's questionnaire (a workspace without a survey needs none).
    #[serde(default)]
    pub questionnaire: RawQuestionnaire,
    #[serde(default)]
    pub sources: Vec<RawSource>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOrganisation {
    pub name: Option<String>,
    pub name_en: Option<String>,
    pub logo: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkspace {
    pub lake: Option<String>,
    pub marts: Option<String>,
    pub reports: Option<String>,
    /// The time zone of the lake's timestamps (default +08:00).
    pub timezone: Option<String>,
    /// The month `csat run` works on without `--period`: `last-month` (default), `latest`
    /// or YYYY-MM.
    pub period: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChurn {
    /// A customer without a churn flag or date counts as churned when the last purchase is
    /// this many days before the end of the period (unset: only flags and dates count).
    pub after_days: Option<i64>,
    /// Customer-file segments controlled for in the churn model (default: tier).
    pub controls: Option<Vec<String>>,
    /// A holiday calendar file (the format of data/calendars/china.toml) instead of the
    /// shipped one.
    pub calendar: Option<String>,
}

/// The organisation's complaint-handling commitments (ISO 10002 §8.3 asks it to set and
/// publish them; the handbooks' are a first response within 24 hours and closing within 3
/// working days).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawComplaints {
    pub respond_within_hours: Option<f64>,
    pub close_within_days: Option<i64>,
    /// How the closing days count: `working` (default: weekends, public holidays and make-up
    /// days from the calendar) or `calendar`.
    pub close_days: Option<String>,
}

/// The commitments every complaint is measured against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Commitments {
    /// A first response within this many hours of receipt.
    pub respond_hours: f64,
    /// Closed within this many days of receipt.
    pub close_days: i64,
    /// The days are calendar days (else working days).
    pub calendar_days: bool,
}

impl Default for Commitments {
    fn default() -> Commitments {
        Commitments {
            respond_hours: 24.0,
            close_days: 3,
            calendar_days: false,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWeighting {
    /// Variables of the customer file to rake to (region, store, tier).
    pub rake: Vec<String>,
    /// Weights are kept within [1/cap, cap] times the mean (default 5).
    pub cap: Option<f64>,
}

/// Raking of survey responses to the customer base's margins.
#[derive(Debug, Clone, PartialEq)]
pub struct Weighting {
    pub rake: Vec<String>,
    pub cap: f64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrivacy {
    /// What to do with personal identifiers (customer ids, interviewer names):
    /// `hash` (keyed hash, default), `keep`, or `drop`.
    pub pii: Option<String>,
    /// The hashing key; else the environment variable named by `key_env`
    /// (default CSAT_PII_KEY); else a key file `.csat-key` created in the workspace.
    pub key: Option<String>,
    pub key_env: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    pub lang: Option<String>,
    /// A Typst template replacing the built-in one (a copy of `src/render/report.typ`).
    pub template: Option<String>,
    /// The accent colour of headings and headline figures, `#rrggbb`.
    pub accent: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawThresholds {
    pub min_n: Option<i64>,
    pub confidence: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    /// The longest cell kept, in bytes (longer ones are cut, with a note in the rejects).
    pub max_cell_bytes: Option<i64>,
}

/// The longest cell kept by default: 64 KB, some 20,000 Chinese characters, far more than
/// any comment, while a 50 MB cell (a pasted file) never reaches the lake.
pub const DEFAULT_MAX_CELL_BYTES: usize = 64 * 1024;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSegments {
    pub report: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawField {
    pub id: String,
    /// The Chinese and English names: the report language's is required, the other
    /// falls back to the id.
    pub zh: Option<String>,
    pub en: Option<String>,
    /// `segment` (a category to cut by) or `number`.
    #[serde(rename = "type")]
    pub ty: String,
}

/// What a custom field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A category: stored as text, a segment of the report and a control of the churn model.
    Segment,
    /// A number of the customer file: a numeric control of the churn model.
    Number,
}

/// A column a source may map beyond the built-in fields (`[[fields]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct CustomField {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub kind: FieldKind,
}

impl CustomField {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// Numeric controls of the churn model that csat derives: years since the first purchase,
/// and the customer's mean answer to the overall item (the survey joined by customer id).
pub const DERIVED_CONTROLS: [&str; 3] = ["value", "tenure", "satisfaction"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCatalogEntry {
    pub id: String,
    /// The Chinese and English names: the report language's is required, the other
    /// falls back to the id.
    pub zh: Option<String>,
    pub en: Option<String>,
    /// For stores: the region they belong to.
    pub region: Option<String>,
    /// Other spellings found in exports (short names, old names).
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestionnaire {
    #[serde(default)]
    pub dimensions: Vec<RawDimension>,
    #[serde(default)]
    pub items: Vec<RawItem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDimension {
    pub id: String,
    /// The Chinese and English names: the report language's is required, the other
    /// falls back to the id.
    pub zh: Option<String>,
    pub en: Option<String>,
    pub weight: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    pub id: String,
    /// The Chinese and English names: the report language's is required, the other
    /// falls back to the id.
    pub zh: Option<String>,
    pub en: Option<String>,
    pub dimension: Option<String>,
    /// `[min, max]` of the answer scale; comments have none.
    pub scale: Option<[f64; 2]>,
    pub role: String,
    /// A `[value_maps]` entry that turns answer text into scores.
    pub values: Option<String>,
    /// Reverse-coded: the stored score is min + max − answer.
    #[serde(default)]
    pub reverse: bool,
    /// Answers of this item that mean "no answer" besides the source's `missing` (an item
    /// coded 0 = not applicable on a 1–5 scale: `missing = ["0"]`).
    #[serde(default)]
    pub missing: Vec<String>,
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

/// The Chinese and English names of a catalogue entry, item, dimension or field at `key`:
/// the one in the report's language `lang` is required, the other falls back to the id (so a
/// workspace that reports in one language names things once).
fn names(
    key: &str,
    id: &str,
    zh: &Option<String>,
    en: &Option<String>,
    lang: Lang,
    p: &mut Vec<String>,
) -> (String, String) {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let (zh, en) = (given(zh), given(en));
    let (field, name, other) = match lang {
        Lang::Zh => ("zh", &zh, "en"),
        Lang::En => ("en", &en, "zh"),
    };
    if name.is_none() {
        p.push(format!(
            "{key}: no `{field}` name, which the report (lang = \"{field}\") prints; add {field} = \"…\" (`{other}` is optional)"
        ));
    }
    (
        zh.unwrap_or_else(|| id.to_string()),
        en.unwrap_or_else(|| id.to_string()),
    )
}

fn resolve_fields(raw: &[RawField], lang: Lang, p: &mut Vec<String>) -> Vec<CustomField> {
    let builtin = reserved_field_ids();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, f) in raw.iter().enumerate() {
        let key = format!("fields[{i}] (`{}`)", f.id);
        let valid_id = !f.id.is_empty()
            && f.id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_id {
            p.push(format!(
                "{key}.id: use lower-case letters, digits and _ (it names a lake column)"
            ));
        }
        if builtin.contains(f.id.as_str()) {
            p.push(format!("{key}.id: `{}` is a built-in field; map it directly, or give the custom field another id", f.id));
        }
        if !seen.insert(f.id.clone()) {
            p.push(format!("{key}.id is declared twice"));
        }
        let kind = match f.ty.as_str() {
            "segment" => FieldKind::Segment,
            "number" => FieldKind::Number,
            other => {
                p.push(format!("{key}.type = `{other}`: use segment or number"));
                FieldKind::Segment
            }
        };
        let (zh, en) = names(&key, &f.id, &f.zh, &f.en, lang, p);
        out.push(CustomField {
            id: f.id.clone(),
            zh,
            en,
            kind,
        });
    }
    out
}

fn resolve_commitments(raw: &RawComplaints, p: &mut Vec<String>) -> Commitments {
    let mut c = Commitments::default();
    if let Some(h) = raw.respond_within_hours {
        if h > 0.0 && h.is_finite() {
            c.respond_hours = h;
        } else {
            p.push(format!(
                "complaints.respond_within_hours = {h}: give a number of hours above 0, e.g. 24"
            ));
        }
    }
    if let Some(d) = raw.close_within_days {
        if d > 0 {
            c.close_days = d;
        } else {
            p.push(format!(
                "complaints.close_within_days = {d}: give a number of days above 0, e.g. 3"
            ));
        }
    }
    match raw.close_days.as_deref() {
        None | Some("working") => {}
        Some("calendar") => c.calendar_days = true,
        Some(other) => p.push(format!(
            "complaints.close_days = `{other}`: use working (skip weekends and public holidays) or calendar"
        )),
    }
    c
}

fn resolve_catalog(
    raw: &BTreeMap<String, Vec<RawCatalogEntry>>,
    lang: Lang,
    p: &mut Vec<String>,
) -> BTreeMap<String, Vec<CatalogEntry>> {
    let mut out = BTreeMap::new();
    for (seg, entries) in raw {
        if !schema::SEGMENTS.contains(&seg.as_str()) && seg != "brand" {
            p.push(format!(
                "catalog.{seg}: not a segment; catalogues exist for {} and brand",
                schema::SEGMENTS.join(", ")
            ));
        }
        let mut ids = BTreeSet::new();
        for (i, e) in entries.iter().enumerate() {
            if e.id.trim().is_empty() {
                p.push(format!(
                    "catalog.{seg}[{i}].id is empty; give every entry a short id"
                ));
            }
            if !ids.insert(e.id.as_str()) {
                p.push(format!(
                    "catalog.{seg}[{i}].id = `{}` is declared twice",
                    e.id
                ));
            }
        }
        out.insert(
            seg.clone(),
            entries
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let key = format!("catalog.{seg}[{i}] (`{}`)", e.id);
                    let (zh, en) = names(&key, &e.id, &e.zh, &e.en, lang, p);
                    CatalogEntry {
                        id: e.id.clone(),
                        zh,
                        en,
                        region: e.region.clone(),
                        aliases: e.aliases.clone(),
                    }
                })
                .collect::<Vec<_>>(),
        );
    }
    if let Some(stores) = out.get("store") {
        let regions: BTreeSet<&str> = out
            .get("region")
            .map(|r| r.iter().map(|e| e.id.as_str()).collect())
            .unwrap_or_default();
        for (i, s) in stores.iter().enumerate() {
            match &s.region {
                Some(r) if !regions.contains(r.as_str()) => p.push(format!(
                    "catalog.store[{i}] (`{}`): region `{r}` is not in [[catalog.region]]; add it there or fix the id",
                    s.id
                )),
                None if !regions.is_empty() => p.push(format!(
                    "catalog.store[{i}] (`{}`) has no region; add region = \"<id from [[catalog.region]]>\"",
                    s.id
                )),
                _ => {}
            }
        }
    }
    out
}

fn resolve_questionnaire(
    q: &RawQuestionnaire,
    maps: &BTreeMap<String, BTreeMap<String, f64>>,
    survey: bool,
    lang: Lang,
    p: &mut Vec<String>,
) -> (Vec<Dimension>, Vec<Item>) {
    let mut dim_ids = BTreeSet::new();
    for (i, d) in q.dimensions.iter().enumerate() {
        if !dim_ids.insert(d.id.as_str()) {
            p.push(format!(
                "questionnaire.dimensions[{i}].id = `{}` is declared twice",
                d.id
            ));
        }
        if !(d.weight >= 0.0 && d.weight <= 1.0) {
            p.push(format!(
                "questionnaire.dimensions[{i}].weight = {}: weights are shares between 0 and 1",
                d.weight
            ));
        }
    }
    let total: f64 = q.dimensions.iter().map(|d| d.weight).sum();
    if !q.dimensions.is_empty() && (total - 1.0).abs() > 1e-6 {
        p.push(format!(
            "questionnaire.dimensions: weights sum to {total:.4}, not 1; adjust them so the CSI is a weighted mean"
        ));
    }
    // The marts name measures by id: items, dimensions and the composite measures share
    // one namespace, or a dimension's 0–100 index would stand in for an item's mean.
    const COMPOSITES: [&str; 2] = ["csi", "loyalty"];
    for (i, d) in q.dimensions.iter().enumerate() {
        if COMPOSITES.contains(&d.id.as_str()) {
            p.push(format!("questionnaire.dimensions[{i}].id = `{}` is the name of a composite measure (csi, loyalty); rename the dimension", d.id));
        }
    }
    let mut item_ids = BTreeSet::new();
    let mut items = Vec::new();
    for (i, it) in q.items.iter().enumerate() {
        let key = format!("questionnaire.items[{i}] (`{}`)", it.id);
        if !item_ids.insert(it.id.as_str()) {
            p.push(format!("{key}: id declared twice; item ids must be unique"));
        }
        if dim_ids.contains(it.id.as_str()) {
            p.push(format!("{key}: a dimension has the same id; measures are named by id, so give the item or the dimension another one"));
        }
        if COMPOSITES.contains(&it.id.as_str()) {
            p.push(format!(
                "{key}: `{}` is the name of a composite measure (csi, loyalty); rename the item",
                it.id
            ));
        }
        let role = match it.role.as_str() {
            "rating" => Role::Rating,
            "nps" => Role::Nps,
            "loyalty" => Role::Loyalty,
            "overall" => Role::Overall,
            "comment" => Role::Comment,
            other => {
                p.push(format!(
                    "{key}.role = `{other}`: use rating, nps, loyalty, overall or comment"
                ));
                Role::Rating
            }
        };
        let (min, max) = match (role, it.scale) {
            (Role::Comment, _) => (0.0, 0.0),
            (_, None) => {
                p.push(format!(
                    "{key}: no scale; add scale = [1, 5] (or the item's own range)"
                ));
                (0.0, 1.0)
            }
            (_, Some([lo, hi])) => {
                if !(lo.is_finite() && hi.is_finite() && lo < hi) {
                    p.push(format!(
                        "{key}.scale = [{lo}, {hi}]: the minimum must be below the maximum"
                    ));
                }
                (lo, hi)
            }
        };
        if role == Role::Nps && (min, max) != (0.0, 10.0) {
            p.push(format!(
                "{key}: an NPS item is asked on 0–10; set scale = [0, 10]"
            ));
        }
        if let Some(d) = &it.dimension {
            if !dim_ids.contains(d.as_str()) {
                p.push(format!(
                    "{key}.dimension = `{d}` is not in [[questionnaire.dimensions]]"
                ));
            }
        } else if role == Role::Rating && !q.dimensions.is_empty() {
            p.push(format!("{key}: a rating item needs a dimension (one of the [[questionnaire.dimensions]] ids)"));
        }
        let values = match &it.values {
            None => BTreeMap::new(),
            Some(name) => match maps.get(name) {
                Some(m) => {
                    for (text, v) in m {
                        if !(min..=max).contains(v) {
                            p.push(format!("value_maps.{name}: `{text}` = {v} is outside the {min}–{max} scale of item {}", it.id));
                        }
                    }
                    m.iter()
                        .map(|(k, v)| (k.trim().to_lowercase(), *v))
                        .collect()
                }
                None => {
                    p.push(format!("{key}.values = `{name}`: no [value_maps.{name}]; declare it or remove the key"));
                    BTreeMap::new()
                }
            },
        };
        let (zh, en) = names(&key, &it.id, &it.zh, &it.en, lang, p);
        items.push(Item {
            id: it.id.clone(),
            zh,
            en,
            dimension: it.dimension.clone(),
            min,
            max,
            role,
            values,
            reverse: it.reverse,
            missing: it.missing.iter().map(|m| m.trim().to_string()).collect(),
        });
    }
    // A survey is analysed around one overall item; a workspace without one may have none.
    let overall = items.iter().filter(|i| i.role == Role::Overall).count();
    if overall > 1 || (overall == 0 && survey) {
        p.push("questionnaire.items: declare exactly one item with role = \"overall\" (overall satisfaction)".into());
    }
    if items.iter().filter(|i| i.role == Role::Nps).count() > 1 {
        p.push("questionnaire.items: at most one item may have role = \"nps\"".into());
    }
    let dims = q
        .dimensions
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let key = format!("questionnaire.dimensions[{i}] (`{}`)", d.id);
            let (zh, en) = names(&key, &d.id, &d.zh, &d.en, lang, p);
            Dimension {
                id: d.id.clone(),
                zh,
                en,
                weight: d.weight,
            }
        })
        .collect();
    (dims, items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(text: &str) -> Result<Config, ConfigError> {
        let dir = std::env::temp_dir().join(format!("csat-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.csv"), "x\n").unwrap();
        let raw: RawConfig = toml::from_str(text).unwrap();
        Config::resolve(raw, &dir.join("csat.toml"), &dir)
    }

    const MINIMAL: &str = r#"
        [questionnaire]
        dimensions = [{ id = "svc", zh = "服务", en = "Service", weight = 1.0 }]
        items = [
          { id = "q1", zh = "服务", en = "Service", dimension = "svc", scale = [1, 5], role = "rating" },
          { id = "q2", zh = "总体", en = "Overall", scale = [1, 5], role = "overall" },
        ]
        [[sources]]
        name = "web"
        kind = "survey"
        preset = "generic"
        path = "a.csv"
        columns = { response_id = "id", survey_time = "t" }
        items = { q1 = "Q1", q2 = "Q2" }
    "#;

    #[test]
    fn only_the_report_languages_names_are_required() {
        // Issue 14.6: `zh` was required on every item and store even with lang = "en".
        let english = MINIMAL
            .replace(r#"zh = "服务", "#, "")
            .replace(r#"zh = "总体", "#, "");
        let c = resolve(&format!("[report]\nlang = \"en\"\n{english}")).unwrap();
        let q1 = c.item("q1").unwrap();
        assert_eq!((q1.zh.as_str(), q1.en.as_str()), ("q1", "Service"));
        assert_eq!(c.dimensions[0].zh, "svc");
        // In a Chinese report every missing name is listed, in one go.
        let Err(ConfigError::Invalid { problems, .. }) = resolve(&english) else {
            panic!("a Chinese report without Chinese names")
        };
        let missing: Vec<&String> = problems
            .iter()
            .filter(|p| p.contains("no `zh` name"))
            .collect();
        assert_eq!(missing.len(), 3, "{problems:?}");
    }

    #[test]
    fn minimal_config_resolves_with_defaults() {
        let c = resolve(MINIMAL).unwrap();
        assert_eq!(c.min_n, 30);
        assert_eq!(c.confidence, 0.95);
        assert_eq!(c.lang, Lang::Zh);
        assert_eq!(c.sources[0].files.len(), 1);
        assert_eq!(c.sources[0].channel.as_deref(), Some("web"));
        assert_eq!(c.sources[0].format, Format::Csv);
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let bad = MINIMAL
            .replace("weight = 1.0", "weight = 0.7")
            .replace("path = \"a.csv\"", "path = \"missing/*.csv\"")
            .replace("survey_time = \"t\"", "survey_tme = \"t\"")
            .replace("q2 = \"Q2\"", "q9 = \"Q9\"");
        let err = resolve(&bad).unwrap_err().to_string();
        for needle in [
            "weights sum to 0.7000",
            "the folder",
            "missing does not exist",
            "columns.survey_tme: not a field",
            "`survey_time` is required",
            "items.q9: no such item",
        ] {
            assert!(err.contains(needle), "missing `{needle}` in:\n{err}");
        }
    }

    #[test]
    fn nps_item_must_be_0_to_10_and_thresholds_sane() {
        let bad = MINIMAL.replace(
            "{ id = \"q2\"",
            "{ id = \"q3\", zh = \"推荐\", en = \"NPS\", scale = [1, 10], role = \"nps\" },\n { id = \"q2\"",
        ) + "\n[thresholds]\nconfidence = 95\n";
        // `[thresholds]` after `[[sources]]` is still a top-level table in TOML.
        let err = resolve(&bad).unwrap_err().to_string();
        assert!(err.contains("set scale = [0, 10]"), "{err}");
        assert!(err.contains("thresholds.confidence = 95"), "{err}");
    }

    #[test]
    fn items_dimensions_and_composites_share_one_namespace() {
        let clash = MINIMAL
            .replace("{ id = \"q2\"", "{ id = \"svc\"")
            .replace("q2 = \"Q2\"", "svc = \"Q2\"");
        let err = resolve(&clash).unwrap_err().to_string();
        assert!(err.contains("a dimension has the same id"), "{err}");
        let composite = MINIMAL
            .replace("{ id = \"q2\"", "{ id = \"csi\"")
            .replace("q2 = \"Q2\"", "csi = \"Q2\"");
        let err = resolve(&composite).unwrap_err().to_string();
        assert!(err.contains("name of a composite measure"), "{err}");
    }

    #[test]
    fn a_file_without_dates_is_dated_by_the_source_and_misuse_is_named() {
        let dateless = MINIMAL.replace(
            "columns = { response_id = \"id\", survey_time = \"t\" }",
            "columns = { response_id = \"@line\" }\nperiod = \"2026-10\"",
        );
        let c = resolve(&dateless).unwrap();
        assert_eq!(
            c.sources[0].dated,
            Some(Dated::Month("2026-10".parse().unwrap()))
        );
        let by_name = dateless.replace("\"2026-10\"", "\"from-file-name\"");
        assert_eq!(
            resolve(&by_name).unwrap().sources[0].dated,
            Some(Dated::FromFileName)
        );
        let day = dateless.replace("period = \"2026-10\"", "date = \"2026-10-15\"");
        assert!(matches!(
            resolve(&day).unwrap().sources[0].dated,
            Some(Dated::Date(_))
        ));
        for (text, needle) in [
            // A pseudo-field that cannot work is a config error, not 100% rejects.
            (
                MINIMAL.replace("survey_time = \"t\"", "survey_time = \"@line\""),
                "only an id field (response_id, complaint_id, customer_id, action_id) can be the line number; for a file without dates set sources[0] (`web`).date",
            ),
            (
                MINIMAL.replace("items = { q1", "period = \"2026-10\"\nitems = { q1"),
                "dated both by the column `survey_time` and by date/period",
            ),
            (
                dateless.replace("period = \"2026-10\"", "period = \"2026-10\"\ndate = \"2026-10-01\""),
                "set date or period, not both",
            ),
            (dateless.replace("\"2026-10\"", "\"October\""), "sources[0] (`web`).period"),
            (day.replace("2026-10-15", "15/10/2026"), "date = `15/10/2026`: use YYYY-MM-DD"),
            (
                dateless.replace("period = ", "snapshot = "),
                "only a customer file is a snapshot",
            ),
        ] {
            let err = resolve(&text).unwrap_err().to_string();
            assert!(err.contains(needle), "missing `{needle}` in:\n{err}");
        }
    }
}
