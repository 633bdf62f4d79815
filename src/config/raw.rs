//! The file as written: the serde shape of `csat.toml` (each section as the user types it,
//! unknown keys refused), and the small value types its sections resolve to.

use super::*;

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
    pub plan: RawPlan,
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

/// `[plan]`: the precision the quality department wants from next period's survey
/// (`csat plan` and the report's appendix plan the sample size for it).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlan {
    /// Half-width of the interval of a mean, in scale points (default 0.1).
    pub margin: Option<f64>,
    /// Half-width of the interval of the top-2-box share, as a share (default 0.05).
    pub margin_share: Option<f64>,
    /// Half-width of the interval of the NPS, in NPS points (default 10).
    pub margin_nps: Option<f64>,
    /// The segment planned for (default `store`).
    pub segment: Option<String>,
}

/// The target precision of next period's figures (see [`RawPlan`]); the confidence level is
/// the report's.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanTargets {
    pub margin: f64,
    pub margin_share: f64,
    pub margin_nps: f64,
    pub segment: String,
}

impl Default for PlanTargets {
    fn default() -> PlanTargets {
        PlanTargets {
            margin: 0.1,
            margin_share: 0.05,
            margin_nps: 10.0,
            segment: "store".into(),
        }
    }
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
    /// Also write the store and region scorecards with every report (`csat report
    /// --scorecards` does it for one run).
    pub scorecards: Option<bool>,
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
