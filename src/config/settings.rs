//! Resolving the workspace-wide settings of `csat.toml` (language, thresholds, time zone, weighting,
//! churn, privacy, report segments, sources and output paths), one function per section,
//! each problem pushed to the list [`Config::resolve`] reports at once.

use super::*;

/// The report's language (default zh).
pub(super) fn lang(r: &RawReport, p: &mut Vec<String>) -> Lang {
    match r.lang.as_deref().unwrap_or("zh").parse::<Lang>() {
        Ok(l) => l,
        Err(e) => {
            p.push(format!("report.lang: {e}"));
            Lang::Zh
        }
    }
}

/// The statistical thresholds and limits: `(min_n, max_cell_bytes, confidence)`.
pub(super) fn thresholds(raw: &RawConfig, p: &mut Vec<String>) -> (i64, usize, f64) {
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
        p.push(format!(
            "thresholds.confidence = {confidence}: give a level between 0.5 and 1, such as 0.95"
        ));
    }
    (min_n, max_cell_bytes, confidence)
}

/// `[plan]`: each margin a positive number of its unit.
pub(super) fn plan(r: &RawPlan, p: &mut Vec<String>) -> PlanTargets {
    let d = PlanTargets::default();
    let mut positive = |key: &str, v: Option<f64>, default: f64, example: &str| match v {
        None => default,
        Some(x) if x > 0.0 && x.is_finite() => x,
        Some(x) => {
            p.push(format!(
                "plan.{key} = {x}: give a positive half-width, such as {example}"
            ));
            default
        }
    };
    let margin = positive("margin", r.margin, d.margin, "0.1 (scale points)");
    let margin_share = positive(
        "margin_share",
        r.margin_share,
        d.margin_share,
        "0.05 (5 percentage points)",
    );
    let margin_nps = positive("margin_nps", r.margin_nps, d.margin_nps, "10 (NPS points)");
    if margin_share >= 1.0 {
        p.push(format!(
            "plan.margin_share = {margin_share}: a share's half-width is below 1, such as 0.05"
        ));
    }
    PlanTargets {
        margin,
        margin_share,
        margin_nps,
        segment: r.segment.clone().unwrap_or(d.segment),
    }
}

/// The lake's time zone (default +08:00).
pub(super) fn timezone(w: &RawWorkspace, p: &mut Vec<String>) -> crate::zone::Zone {
    match crate::zone::Zone::parse(w.timezone.as_deref().unwrap_or("+08:00")) {
        Ok(t) => t,
        Err(e) => {
            p.push(format!("workspace.timezone: {e}"));
            crate::zone::Zone::china()
        }
    }
}

/// Raking to the customer file's segments.
pub(super) fn weighting(w: &RawWeighting, p: &mut Vec<String>) -> Weighting {
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
        p.push(format!(
            "weighting.cap = {cap}: the cap is a ratio above 1, such as 5"
        ));
    }
    Weighting {
        rake: w.rake.clone(),
        cap,
    }
}

/// The churn model's controls (default: tier), each a customer-file segment, a derived
/// control or a declared field.
pub(super) fn churn_controls(raw: &RawConfig, p: &mut Vec<String>) -> Vec<String> {
    let controls = raw
        .churn
        .controls
        .clone()
        .unwrap_or_else(|| vec!["tier".into()]);
    for (i, c) in controls.iter().enumerate() {
        let custom = raw.fields.iter().any(|f| &f.id == c);
        if !["region", "store", "tier"].contains(&c.as_str())
            && !DERIVED_CONTROLS.contains(&c.as_str())
            && !custom
        {
            p.push(format!("churn.controls[{i}] = `{c}`: control for the customer file's segments (region, store, tier, a [[fields]] segment), numbers (value, a [[fields]] number), tenure (years since the first purchase) or satisfaction (the customer's mean overall answer)"));
        }
    }
    controls
}

/// The text of a holiday calendar given in `[churn] calendar`, checked to parse.
pub(super) fn calendar(c: &RawChurn, root: &Path, p: &mut Vec<String>) -> Option<String> {
    let c = c.calendar.as_ref()?;
    match std::fs::read_to_string(root.join(c)) {
        Ok(text) => match crate::calendar::Calendar::parse(&text) {
            Ok(_) => Some(text),
            Err(e) => {
                p.push(format!("churn.calendar = `{c}`: {e}"));
                None
            }
        },
        Err(e) => {
            p.push(format!(
                "churn.calendar = `{c}`: cannot read it ({e}); fix the path (relative to csat.toml)"
            ));
            None
        }
    }
}

/// What happens to personal identifiers (default: a keyed hash).
pub(super) fn pii(raw: &RawPrivacy, p: &mut Vec<String>) -> PiiMode {
    match raw.pii.as_deref().unwrap_or("hash") {
        "hash" => PiiMode::Hash,
        "keep" => PiiMode::Keep,
        "drop" => PiiMode::Drop,
        other => {
            p.push(format!(
                "privacy.pii = `{other}`: use hash (default), keep or drop"
            ));
            PiiMode::Hash
        }
    }
}

/// The segments the report breaks figures down by: built-in ones or declared segment fields.
pub(super) fn report_segments(
    raw: &RawSegments,
    fields: &[CustomField],
    p: &mut Vec<String>,
) -> Vec<String> {
    let segments = raw.report.clone().unwrap_or_else(|| {
        vec![
            "region".into(),
            "store".into(),
            "tier".into(),
            "channel".into(),
        ]
    });
    let custom: Vec<&str> = fields
        .iter()
        .filter(|f| f.kind == FieldKind::Segment)
        .map(|f| f.id.as_str())
        .collect();
    for (i, s) in segments.iter().enumerate() {
        if !schema::SEGMENTS.contains(&s.as_str()) && !custom.contains(&s.as_str()) {
            p.push(format!(
                "segments.report[{i}] = `{s}`: not a segment; use some of {}{}",
                schema::SEGMENTS.join(", "),
                if custom.is_empty() {
                    ", or declare it in [[fields]] with type = \"segment\"".to_string()
                } else {
                    format!(", {}", custom.join(", "))
                }
            ));
        }
    }
    segments
}

/// Every `[[sources]]` entry, each with a name of its own.
pub(super) fn sources(
    raw: &[RawSource],
    root: &Path,
    items: &[Item],
    fields: &[CustomField],
    p: &mut Vec<String>,
) -> Vec<Source> {
    let mut names = BTreeSet::new();
    let mut sources = Vec::new();
    for (i, rs) in raw.iter().enumerate() {
        if !names.insert(rs.name.clone()) {
            p.push(format!(
                "sources[{i}].name = `{}` is used twice; give each source its own name",
                rs.name
            ));
        }
        if let Some(s) = resolve_source(i, rs, root, items, fields, p) {
            sources.push(s);
        }
    }
    if raw.is_empty() {
        p.push("no [[sources]]: declare at least one input file".into());
    }
    sources
}

/// An optional file named at `key`, relative to the workspace, which must exist.
pub(super) fn existing_file(
    key: &str,
    v: &Option<String>,
    root: &Path,
    fix: &str,
    p: &mut Vec<String>,
) -> Option<PathBuf> {
    let f = v.as_ref().filter(|l| !l.is_empty()).map(|l| root.join(l))?;
    if !f.is_file() {
        p.push(format!("{key}: no file at {}; {fix}", f.display()));
    }
    Some(f)
}

/// Outputs stay inside the workspace: a `..` in an output directory could make a run
/// overwrite files anywhere the user can write.
pub(super) fn check_output_dirs(w: &RawWorkspace, p: &mut Vec<String>) {
    for (key, v) in [
        ("workspace.lake", &w.lake),
        ("workspace.marts", &w.marts),
        ("workspace.reports", &w.reports),
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
}

/// The period `csat run` works on without `--period` (default: last month).
pub(super) fn run_period(w: &RawWorkspace, p: &mut Vec<String>) -> crate::period::PeriodArg {
    match w.period.as_deref() {
        None => crate::period::PeriodArg::LastMonth,
        Some(v) => match v.parse() {
            Ok(period) => period,
            Err(e) => {
                p.push(format!("workspace.period = `{v}`: {e}"));
                crate::period::PeriodArg::LastMonth
            }
        },
    }
}

/// The report's accent colour, `#rrggbb` (default #1f5e9e), lower-cased.
pub(super) fn accent(r: &RawReport, p: &mut Vec<String>) -> String {
    let accent = r.accent.clone().unwrap_or_else(|| "#1f5e9e".into());
    if !(accent.len() == 7
        && accent.starts_with('#')
        && accent[1..].chars().all(|c| c.is_ascii_hexdigit()))
    {
        p.push(format!(
            "report.accent = `{accent}`: not a colour; write it as #rrggbb, e.g. \"#1f5e9e\""
        ));
    }
    accent.to_lowercase()
}
