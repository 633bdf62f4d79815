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
mod settings;
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
    /// `[report] scorecards`: write the store and region scorecards with every report.
    pub scorecards: bool,
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
    /// `[plan]`: the precision next period's survey should reach.
    pub plan: PlanTargets,
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
        let lang = settings::lang(&raw.report, &mut p);
        let (min_n, max_cell_bytes, confidence) = settings::thresholds(&raw, &mut p);
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
        let timezone = settings::timezone(&raw.workspace, &mut p);
        let weighting = raw
            .weighting
            .as_ref()
            .map(|w| settings::weighting(w, &mut p));
        let churn_controls = settings::churn_controls(&raw, &mut p);
        let calendar = settings::calendar(&raw.churn, root, &mut p);
        let pii = settings::pii(&raw.privacy, &mut p);
        let fields = resolve_fields(&raw.fields, lang, &mut p);
        let report_segments = settings::report_segments(&raw.segments, &fields, &mut p);
        let sources = settings::sources(&raw.sources, root, &items, &fields, &mut p);
        let logo = settings::existing_file(
            "organisation.logo",
            &raw.organisation.logo,
            root,
            "fix the path or remove the key",
            &mut p,
        );
        settings::check_output_dirs(&raw.workspace, &mut p);
        let run_period = settings::run_period(&raw.workspace, &mut p);
        let template = settings::existing_file(
            "report.template",
            &raw.report.template,
            root,
            "copy src/render/report.typ there or remove the key",
            &mut p,
        );
        let accent = settings::accent(&raw.report, &mut p);
        let commitments = resolve_commitments(&raw.complaints, &mut p);
        let plan = settings::plan(&raw.plan, &mut p);
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
            accent,
            scorecards: raw.report.scorecards.unwrap_or(false),
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
            plan,
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
