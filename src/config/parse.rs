//! `csat.toml` as written → [`RawConfig`], with every key problem of the file at once.
//!
//! serde stops at the first unknown key or wrong type, so a file with typos on lines 29 and
//! 204 used to report only one of them per run. Here the file is parsed once into TOML's
//! spanned tree; each key problem is recorded (with its line and, for a near miss, the key
//! meant) and that key is taken out of the tree, and the tree is read again, until it reads.
//! What remains to check (values, cross-references) is then checked by the caller on the
//! raw config, so one run lists everything that is wrong.

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use super::RawConfig;

/// More problems than anyone fixes in one go; past it the file is probably not a csat.toml.
const MAX_PROBLEMS: usize = 50;

/// The raw config and the key problems found on the way (each `line N: key: what, fix`), or,
/// when the file cannot be read as TOML at all or a problem leaves nothing to read on, the
/// problems so far (the last one says what stopped the reading).
pub fn raw_config(text: &str) -> Result<(RawConfig, Vec<String>), Vec<String>> {
    let mut root = DeTable::parse(text).map_err(|e| vec![syntax(text, &e)])?;
    let mut problems: Vec<(usize, String)> = Vec::new();
    // In the file's order, whatever order serde met them in.
    let by_line = |mut p: Vec<(usize, String)>| {
        p.sort_by_key(|(line, _)| *line);
        p.into_iter().map(|(_, m)| m).collect::<Vec<_>>()
    };
    loop {
        let e = match RawConfig::deserialize(toml::de::Deserializer::from(root.clone())) {
            Ok(raw) => return Ok((raw, by_line(problems))),
            Err(e) => e,
        };
        let span = e.span().unwrap_or(0..0);
        let found = locate(root.get_ref(), &span, "");
        let line = line_of(text, span.start);
        let what = describe(e.message(), found.as_ref().map(|f| f.0.as_str()));
        match found {
            Some((path, true)) if problems.len() < MAX_PROBLEMS => {
                problems.push((line, format!("line {line}: {path}: {what}")));
                if !remove(root.get_mut(), &span) {
                    return Err(by_line(problems));
                }
            }
            Some((path, _)) => {
                problems.push((line, format!("line {line}: {path}: {what}")));
                return Err(by_line(problems));
            }
            None => {
                problems.push((line, format!("line {line}: {what}")));
                return Err(by_line(problems));
            }
        }
    }
}

/// A TOML syntax error: its line and the parser's own words (which show the spot).
fn syntax(text: &str, e: &toml::de::Error) -> String {
    let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
    format!(
        "line {line}: not valid TOML: {}",
        e.message().trim_end_matches('\n')
    )
}

fn line_of(text: &str, at: usize) -> usize {
    text.get(..at).map_or(1, |t| t.matches('\n').count() + 1)
}

/// The dotted path (`sources[2].encodng`) of the key or value at `span`, and whether taking
/// that key out lets the reading go on (a key's own problem: unknown, wrong type) or not (a
/// table that lacks a required key: the table itself is at `span`).
fn locate(table: &DeTable, span: &std::ops::Range<usize>, prefix: &str) -> Option<(String, bool)> {
    for (k, v) in table {
        let path = if prefix.is_empty() {
            k.get_ref().to_string()
        } else {
            format!("{prefix}.{}", k.get_ref())
        };
        if k.span() == *span {
            return Some((path, true));
        }
        let inner = match v.get_ref() {
            DeValue::Table(t) => locate(t, span, &path),
            DeValue::Array(a) => a.iter().enumerate().find_map(|(i, el)| {
                let here = format!("{path}[{i}]");
                match el.get_ref() {
                    DeValue::Table(_) if el.span() == *span => Some((here, false)),
                    DeValue::Table(t) => locate(t, span, &here),
                    _ => None,
                }
            }),
            _ => None,
        };
        if inner.is_some() {
            return inner;
        }
        if v.span() == *span {
            // A table that lacks a key is the table's problem; a scalar of the wrong type is
            // its key's.
            let scalar = !matches!(v.get_ref(), DeValue::Table(_) | DeValue::Array(_));
            return Some((path, scalar));
        }
    }
    None
}

/// Take the key whose name or value is at `span` out of the tree.
fn remove(table: &mut DeTable, span: &std::ops::Range<usize>) -> bool {
    let hit = table
        .iter()
        .find(|(k, v)| k.span() == *span || v.span() == *span)
        .map(|(k, _)| k.clone());
    if let Some(k) = hit {
        table.remove(&k);
        return true;
    }
    for (_, v) in table.iter_mut() {
        let done = match v.get_mut() {
            DeValue::Table(t) => remove(t, span),
            DeValue::Array(a) => a.iter_mut().any(|el| match el.get_mut() {
                DeValue::Table(t) => remove(t, span),
                _ => false,
            }),
            _ => false,
        };
        if done {
            return true;
        }
    }
    false
}

/// serde's message in our words: an unknown key with the key meant (or the keys there are),
/// a missing key, a value of the wrong type.
fn describe(message: &str, path: Option<&str>) -> String {
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if message.starts_with("unknown field") {
        let (Some(key), expected) = (quoted.first(), quoted.get(1..).unwrap_or_default()) else {
            return message.to_string();
        };
        let near = expected
            .iter()
            .map(|e| (strsim::damerau_levenshtein(key, e), *e))
            .filter(|(d, e)| *d <= (e.chars().count() / 3).max(1) + usize::from(key.len() > 6))
            .min();
        return match near {
            Some((_, e)) => format!("unknown key `{key}`; did you mean `{e}`?"),
            None if expected.is_empty() => format!("unknown key `{key}`; remove it"),
            None => format!(
                "unknown key `{key}`; the keys here are {}",
                expected
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
    }
    if message.starts_with("missing field") {
        if let Some(key) = quoted.first() {
            return format!(
                "lacks the required key `{key}`; add {key} = … to {}",
                path.unwrap_or("it")
            );
        }
    }
    message.trim_end_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_named_and_others_listed() {
        let m = "unknown field `min_nn`, expected `min_n` or `confidence`";
        assert_eq!(
            describe(m, Some("thresholds.min_nn")),
            "unknown key `min_nn`; did you mean `min_n`?"
        );
        let m = "unknown field `encodng`, expected one of `name`, `kind`, `encoding`";
        assert_eq!(
            describe(m, None),
            "unknown key `encodng`; did you mean `encoding`?"
        );
        let m = "unknown field `colour`, expected `min_n` or `confidence`";
        assert_eq!(
            describe(m, None),
            "unknown key `colour`; the keys here are `min_n`, `confidence`"
        );
    }

    #[test]
    fn every_unknown_key_is_reported_with_its_line() {
        let text = "[thresholds]\nmin_nn = 30\n\n[report]\nlang = \"zh\"\naccnet = \"#112233\"\n\n[[sources]]\nname = \"web\"\nkind = \"survey\"\npath = \"a.csv\"\nencodng = \"gbk\"\n";
        let (raw, problems) = raw_config(text).unwrap();
        assert_eq!(
            problems,
            vec![
                "line 2: thresholds.min_nn: unknown key `min_nn`; did you mean `min_n`?",
                "line 6: report.accnet: unknown key `accnet`; did you mean `accent`?",
                "line 12: sources[0].encodng: unknown key `encodng`; did you mean `encoding`?",
            ]
        );
        // What was right is read.
        assert_eq!(raw.sources[0].name, "web");
        assert_eq!(raw.report.lang.as_deref(), Some("zh"));
    }

    #[test]
    fn a_wrong_type_is_reported_and_reading_goes_on() {
        let text = "[thresholds]\nmin_n = \"thirty\"\nconfidence = 0.9\nmin_nx = 3\n";
        let (raw, problems) = raw_config(text).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("line 2: thresholds.min_n: "),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with("line 4: thresholds.min_nx: "),
            "{problems:?}"
        );
        assert_eq!(raw.thresholds.confidence, Some(0.9));
    }

    #[test]
    fn a_missing_required_key_stops_with_what_was_found() {
        let text = "[report]\nlnag = \"zh\"\n\n[[sources]]\nname = \"web\"\npath = \"a.csv\"\n";
        let problems = raw_config(text).err().unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("line 2: report.lnag: unknown key"));
        assert!(
            problems[1].contains("sources[0]") && problems[1].contains("`kind`"),
            "{problems:?}"
        );
        let bad = raw_config("a = = 1").err().unwrap();
        assert!(bad[0].starts_with("line 1: not valid TOML"), "{bad:?}");
    }
}
