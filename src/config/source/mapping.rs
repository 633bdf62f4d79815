//! A source's mapping checked against its kind: every mapped column a field of the kind
//! (or a custom field it takes), the required fields mapped, and the questionnaire items
//! a response source maps.

use super::*;
use crate::config::{CustomField, FieldKind};

/// Every mapped column is a field of the source's kind (or a custom field it takes), and
/// only an id field may be the line number.
pub(super) fn check_columns(
    key: &str,
    kind: SourceKind,
    rs: &RawSource,
    fields: &[schema::Field],
    custom: &[CustomField],
    p: &mut Vec<String>,
) {
    // Custom segments belong to responses, complaints and customers; custom numbers to
    // the customer file.
    let takes = |f: &CustomField| match kind.table() {
        schema::Table::Customers => true,
        schema::Table::Responses | schema::Table::Complaints => f.kind == FieldKind::Segment,
        _ => false,
    };
    for field in rs.columns.keys() {
        if let Some(f) = custom.iter().find(|f| &f.id == field) {
            if !takes(f) {
                p.push(format!(
                    "{key}.columns.{field}: a custom {} cannot be mapped by a {} source{}",
                    if f.kind == FieldKind::Number {
                        "number"
                    } else {
                        "segment"
                    },
                    rs.kind,
                    if f.kind == FieldKind::Number {
                        " (numbers belong to the customer file)"
                    } else {
                        ""
                    }
                ));
            }
            continue;
        }
        if !fields.iter().any(|f| f.name == field) {
            let valid: Vec<_> = fields
                .iter()
                .map(|f| f.name)
                .chain(custom.iter().filter(|f| takes(f)).map(|f| f.id.as_str()))
                .collect();
            p.push(format!(
                "{key}.columns.{field}: not a field of a {} source; use {}",
                rs.kind,
                valid.join(", ")
            ));
        }
    }
    for (field, header) in &rs.columns {
        if header == schema::LINE && !field.ends_with("_id") {
            p.push(format!(
                "{key}.columns.{field} = \"{}\": only an id field (response_id, complaint_id, customer_id, action_id) can be the line number{}",
                schema::LINE,
                if Some(field.as_str()) == schema::time_field(kind) {
                    format!("; for a file without dates set {key}.date = \"YYYY-MM-DD\" or {key}.period = \"YYYY-MM\" (or \"{FROM_FILE_NAME}\")")
                } else {
                    format!("; map {field} to a header, or leave it out")
                }
            ));
        }
    }
}

/// The kind's required fields are mapped, unless a preset or the configured dating
/// provides them.
pub(super) fn check_required(
    key: &str,
    kind: SourceKind,
    rs: &RawSource,
    fields: &[schema::Field],
    preset: Option<Preset>,
    p: &mut Vec<String>,
) {
    // A platform preset knows its id and time columns; a generic file (or one whose layout
    // is recognised only when read) must map them, which ingest checks per file.
    let preset_maps_meta = kind.is_response() && preset != Some(Preset::Generic);
    let dating_field = schema::time_field(kind);
    let dated_by_config = rs.date.is_some() || rs.period.is_some();
    for f in fields.iter().filter(|f| f.required) {
        if preset_maps_meta && matches!(f.name, "response_id" | "survey_time") {
            continue;
        }
        if dated_by_config && Some(f.name) == dating_field {
            continue;
        }
        if !rs.columns.contains_key(f.name) {
            let dateless = if Some(f.name) == dating_field {
                format!("; a file without dates sets {key}.date = \"YYYY-MM-DD\" or {key}.period = \"YYYY-MM\" (or \"{FROM_FILE_NAME}\") instead")
            } else if f.name.ends_with("_id") {
                format!(
                    "; a file without ids sets {} = \"{}\" (the line number)",
                    f.name,
                    schema::LINE
                )
            } else {
                String::new()
            };
            p.push(format!(
                "{key}.columns: `{}` is required for a {} source; map it to its header, e.g. {} = \"<header>\"{dateless}",
                f.name, rs.kind, f.name
            ));
        }
    }
}

/// A response source maps at least one item, each in the questionnaire; others map none.
pub(super) fn check_items(
    key: &str,
    kind: SourceKind,
    rs: &RawSource,
    items: &[Item],
    p: &mut Vec<String>,
) {
    if kind.is_response() {
        if rs.items.is_empty() {
            p.push(format!(
                "{key}.items: a {} source must map at least one questionnaire item to a column",
                rs.kind
            ));
        }
        for id in rs.items.keys() {
            if !items.iter().any(|it| &it.id == id) {
                p.push(format!(
                    "{key}.items.{id}: no such item in [[questionnaire.items]]"
                ));
            }
        }
    } else if !rs.items.is_empty() {
        p.push(format!("{key}.items: only response sources (survey, phone, mail, interview, focus_group, competitor) map items"));
    }
}
