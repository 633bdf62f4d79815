//! Answers → scores: numbers as they are; answer text through the item's value map or the
//! built-in satisfaction/agreement/likelihood labels; reverse-coded items flipped.

use super::read::Cell;
use super::RejectCode;
use crate::config::Item;

/// Built-in answer labels of 5-point scales, Chinese and English (score 1–5).
const FIVE_POINT: [(&str, f64); 36] = [
    ("非常满意", 5.0),
    ("很满意", 5.0),
    ("满意", 4.0),
    ("比较满意", 4.0),
    ("一般", 3.0),
    ("不满意", 2.0),
    ("比较不满意", 2.0),
    ("非常不满意", 1.0),
    ("很不满意", 1.0),
    ("非常同意", 5.0),
    ("同意", 4.0),
    ("中立", 3.0),
    ("不同意", 2.0),
    ("非常不同意", 1.0),
    ("一定会", 5.0),
    ("可能会", 4.0),
    ("不确定", 3.0),
    ("可能不会", 2.0),
    ("一定不会", 1.0),
    ("very satisfied", 5.0),
    ("satisfied", 4.0),
    ("somewhat satisfied", 4.0),
    ("neither satisfied nor dissatisfied", 3.0),
    ("neutral", 3.0),
    ("somewhat dissatisfied", 2.0),
    ("dissatisfied", 2.0),
    ("very dissatisfied", 1.0),
    ("strongly agree", 5.0),
    ("agree", 4.0),
    ("neither agree nor disagree", 3.0),
    ("disagree", 2.0),
    ("strongly disagree", 1.0),
    ("definitely will", 5.0),
    ("probably will", 4.0),
    ("probably will not", 2.0),
    ("definitely will not", 1.0),
];

/// Whether `text` is one of the built-in answer labels of a 5-point scale.
pub fn is_scale_label(text: &str) -> bool {
    let key = text.trim().to_lowercase();
    FIVE_POINT.iter().any(|(k, _)| *k == key)
}

/// A number at the start of an answer label: "10分", "5 - Very satisfied", "4（满意）".
fn leading_number(s: &str) -> Option<f64> {
    let n: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if n.is_empty() {
        return None;
    }
    let rest = s[n.len()..].trim_start();
    let labelled = rest.starts_with('分')
        || rest.starts_with('-')
        || rest.starts_with('–')
        || rest.starts_with('(')
        || rest.starts_with('（')
        || rest.starts_with('=')
        || rest.starts_with(':')
        || rest.starts_with('：');
    labelled.then(|| n.parse().ok()).flatten()
}

/// Codes that exports use for "no answer", "not applicable" or "don't know" (0 on a 1–5
/// scale, 9/99/999, negative codes): an answer outside its scale with one of these is more
/// likely a missing-value code than a keying error, so the message names the setting.
const NO_ANSWER_CODES: [f64; 12] = [
    0.0, -1.0, -2.0, -3.0, -8.0, -9.0, -99.0, 9.0, 97.0, 98.0, 99.0, 999.0,
];

fn no_answer_hint(raw: f64, item: &Item) -> String {
    if !NO_ANSWER_CODES.contains(&raw) {
        return String::new();
    }
    format!(
        "; if `{raw}` means no answer or not applicable, add missing = [\"{raw}\"] to item {} in [[questionnaire.items]] (or to the source's missing)",
        item.id
    )
}

/// The score of an answer cell for `item`, or why there is none. Blank cells are `None`;
/// callers drop configured "no answer" codes before calling.
pub fn score(cell: &Cell, item: &Item) -> Result<Option<f64>, (RejectCode, String)> {
    let raw = match cell {
        Cell::Empty => return Ok(None),
        Cell::Number(n) if n.is_finite() => *n,
        Cell::Number(n) => {
            return Err((
                RejectCode::NotANumber,
                format!("`{n}` is not a finite number"),
            ))
        }
        Cell::Bool(_) | Cell::DateTime(_) => {
            return Err((
                RejectCode::NotANumber,
                format!("`{}` is not an answer score", cell.as_text()),
            ))
        }
        Cell::Text(t) => {
            let t = t.trim();
            if t.is_empty() {
                return Ok(None);
            }
            if t.contains('┋') {
                return Err((
                    RejectCode::NotANumber,
                    format!("`{t}` holds several answers (┋) for a single-answer item"),
                ));
            }
            match t.parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                Ok(_) => {
                    return Err((
                        RejectCode::NotANumber,
                        format!("`{t}` is not a finite number"),
                    ))
                }
                Err(_) => {
                    let key = t.to_lowercase();
                    let builtin = || {
                        (item.min == 1.0 && item.max == 5.0)
                            .then(|| FIVE_POINT.iter().find(|(k, _)| *k == key).map(|(_, v)| *v))
                            .flatten()
                    };
                    match item.values.get(&key).copied().or_else(builtin).or_else(|| leading_number(t)) {
                        Some(v) => v,
                        None => {
                            return Err((
                                RejectCode::NotANumber,
                                format!("`{t}` is neither a number nor a known answer of item {}; map it in [value_maps] and set values = \"<map>\" on the item", item.id),
                            ))
                        }
                    }
                }
            }
        }
    };
    if raw < item.min || raw > item.max {
        return Err((
            RejectCode::OutOfScale,
            format!(
                "score {raw} is outside the {}–{} scale of item {}{}",
                item.min,
                item.max,
                item.id,
                no_answer_hint(raw, item)
            ),
        ));
    }
    Ok(Some(if item.reverse {
        item.min + item.max - raw
    } else {
        raw
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Role;
    use std::collections::BTreeMap;

    fn item(min: f64, max: f64, reverse: bool, values: &[(&str, f64)]) -> Item {
        Item {
            id: "q".into(),
            zh: String::new(),
            en: String::new(),
            dimension: None,
            min,
            max,
            role: Role::Rating,
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect::<BTreeMap<_, _>>(),
            reverse,
            missing: Vec::new(),
        }
    }

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn numbers_labels_and_maps() {
        let five = item(1.0, 5.0, false, &[]);
        assert_eq!(score(&t("4"), &five), Ok(Some(4.0)));
        assert_eq!(score(&Cell::Number(5.0), &five), Ok(Some(5.0)));
        assert_eq!(score(&t("非常满意"), &five), Ok(Some(5.0)));
        assert_eq!(score(&t("Very dissatisfied"), &five), Ok(Some(1.0)));
        assert_eq!(score(&t("4（满意）"), &five), Ok(Some(4.0)));
        assert_eq!(score(&t(""), &five), Ok(None));
        let ten = item(0.0, 10.0, false, &[("extremely likely", 10.0)]);
        assert_eq!(score(&t("10分"), &ten), Ok(Some(10.0)));
        assert_eq!(score(&t("Extremely likely"), &ten), Ok(Some(10.0)));
        assert_eq!(
            score(&t("满意"), &ten).unwrap_err().0,
            RejectCode::NotANumber,
            "5-point labels only on 1–5 items"
        );
    }

    #[test]
    fn bad_answers_are_rejected_with_the_reason() {
        let five = item(1.0, 5.0, false, &[]);
        assert_eq!(score(&t("7"), &five).unwrap_err().0, RejectCode::OutOfScale);
        assert_eq!(
            score(&t("5.0.1"), &five).unwrap_err().0,
            RejectCode::NotANumber
        );
        assert_eq!(
            score(&t("NaN"), &five).unwrap_err().0,
            RejectCode::NotANumber
        );
        assert_eq!(
            score(&t("1e309"), &five).unwrap_err().0,
            RejectCode::NotANumber
        );
        assert!(score(&t("满意┋一般"), &five)
            .unwrap_err()
            .1
            .contains("several answers"));
        assert!(score(&t("还行吧"), &five)
            .unwrap_err()
            .1
            .contains("[value_maps]"));
        // A value that looks like a no-answer code names the setting; a keying error not.
        assert!(score(&t("0"), &five)
            .unwrap_err()
            .1
            .contains("add missing = [\"0\"] to item q"));
        assert!(!score(&t("7"), &five).unwrap_err().1.contains("missing"));
    }

    #[test]
    fn reverse_coded_items_are_flipped_after_the_range_check() {
        let r = item(1.0, 5.0, true, &[]);
        assert_eq!(score(&t("1"), &r), Ok(Some(5.0)));
        assert_eq!(score(&t("4"), &r), Ok(Some(2.0)));
        assert_eq!(score(&t("6"), &r).unwrap_err().0, RejectCode::OutOfScale);
        let r10 = item(0.0, 10.0, true, &[]);
        assert_eq!(score(&t("3"), &r10), Ok(Some(7.0)));
    }
}
