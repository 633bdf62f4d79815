//! Resolving the sections of `csat.toml` besides the sources: names in both languages,
//! custom fields, complaint commitments, catalogues and the questionnaire, each problem
//! pushed to the list [`Config::resolve`] reports at once.

use super::*;

/// The Chinese and English names of a catalogue entry, item, dimension or field at `key`:
/// the one in the report's language `lang` is required, the other falls back to the id (so a
/// workspace that reports in one language names things once).
pub(super) fn names(
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

pub(super) fn resolve_fields(
    raw: &[RawField],
    lang: Lang,
    p: &mut Vec<String>,
) -> Vec<CustomField> {
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

pub(super) fn resolve_commitments(raw: &RawComplaints, p: &mut Vec<String>) -> Commitments {
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

pub(super) fn resolve_catalog(
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

pub(super) fn resolve_questionnaire(
    q: &RawQuestionnaire,
    maps: &BTreeMap<String, BTreeMap<String, f64>>,
    survey: bool,
    lang: Lang,
    p: &mut Vec<String>,
) -> (Vec<Dimension>, Vec<Item>) {
    let dim_ids = check_dimensions(q, p);
    let mut item_ids = BTreeSet::new();
    let mut items = Vec::new();
    for (i, it) in q.items.iter().enumerate() {
        let key = format!("questionnaire.items[{i}] (`{}`)", it.id);
        if !item_ids.insert(it.id.as_str()) {
            p.push(format!("{key}: id declared twice; item ids must be unique"));
        }
        items.push(resolve_item(
            &key,
            it,
            &dim_ids,
            !q.dimensions.is_empty(),
            maps,
            lang,
            p,
        ));
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

// The marts name measures by id: items, dimensions and the composite measures share
// one namespace, or a dimension's 0–100 index would stand in for an item's mean.
const COMPOSITES: [&str; 2] = ["csi", "loyalty"];

/// The dimensions' ids are unique and not composite names, and their weights are shares
/// summing to 1; returns the ids.
fn check_dimensions<'a>(q: &'a RawQuestionnaire, p: &mut Vec<String>) -> BTreeSet<&'a str> {
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
    for (i, d) in q.dimensions.iter().enumerate() {
        if COMPOSITES.contains(&d.id.as_str()) {
            p.push(format!("questionnaire.dimensions[{i}].id = `{}` is the name of a composite measure (csi, loyalty); rename the dimension", d.id));
        }
    }
    dim_ids
}

/// One questionnaire item at `key`: its role, scale, dimension and value map checked.
fn resolve_item(
    key: &str,
    it: &RawItem,
    dim_ids: &BTreeSet<&str>,
    has_dimensions: bool,
    maps: &BTreeMap<String, BTreeMap<String, f64>>,
    lang: Lang,
    p: &mut Vec<String>,
) -> Item {
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
    } else if role == Role::Rating && has_dimensions {
        p.push(format!(
            "{key}: a rating item needs a dimension (one of the [[questionnaire.dimensions]] ids)"
        ));
    }
    let values = match &it.values {
        None => BTreeMap::new(),
        Some(name) => {
            match maps.get(name) {
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
            }
        }
    };
    let (zh, en) = names(key, &it.id, &it.zh, &it.en, lang, p);
    Item {
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
    }
}
