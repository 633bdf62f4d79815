//! One questionnaire across several files: matching the items of different exports by
//! their question's words.

use super::SourcePlan;

/// A question's words without its number ("13、总体满意度" → "总体满意度", "Q10总体满意"
/// → "总体满意"), for the item's display name; the header itself when nothing is left.
pub fn question_text(header: &str) -> &str {
    let h = header.trim();
    let rest = h.trim_start_matches(['Q', 'q']);
    let numbered = rest.starts_with(|c: char| c.is_ascii_digit());
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.trim_start_matches(['、', '.', '．', ':', '：', ' ', ')', '）', '-']);
    if numbered && !rest.is_empty() {
        rest
    } else {
        h
    }
}

/// The text of a question without its number ("13、总体满意度" and "Q10总体满意度" are
/// both "总体满意度"), for matching one questionnaire's items across exports.
fn question_key(header: &str) -> String {
    question_text(header)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// Whether two item keys (role, NUL, question text) ask the same question in other words:
/// same role and one text contains the other, at least four characters long ("热情友好" in
/// "导购人员热情友好"; "价格" alone is too short to tell).
fn same_question(a: &str, b: &str) -> bool {
    let (Some((ra, ta)), Some((rb, tb))) = (a.split_once('\u{0}'), b.split_once('\u{0}')) else {
        return false;
    };
    let short = ta.chars().count().min(tb.chars().count());
    ra == rb
        && !ra.is_empty()
        && ra != "comment"
        && short >= 4
        && (ta.contains(tb) || tb.contains(ta))
}

/// One questionnaire for several files: the overall items of all files are one item, so are
/// their NPS items, and rating items whose question reads the same (or one contains the
/// other, [`same_question`]); each source keeps its
/// own header for the shared id. Items are renumbered q01, q02, … in order of appearance.
pub fn merge_items(plans: &mut [SourcePlan]) {
    let mut ids: Vec<(String, String)> = Vec::new(); // (key, id)
    let mut n = 0;
    for plan in plans.iter_mut() {
        for it in plan.items.iter_mut() {
            let key = match it.role {
                "overall" => "\u{0}overall".to_string(),
                "nps" => "\u{0}nps".to_string(),
                _ => format!("{}\u{0}{}", it.role, question_key(&it.header)),
            };
            let id = match ids
                .iter()
                .find(|(k, _)| *k == key)
                .or_else(|| ids.iter().find(|(k, _)| same_question(k, &key)))
            {
                Some((_, id)) => id.clone(),
                None => {
                    n += 1;
                    let id = format!("q{n:02}");
                    ids.push((key, id.clone()));
                    id
                }
            };
            it.id = id;
        }
        // A file that maps two columns to one question keeps the first.
        let mut seen = std::collections::BTreeSet::new();
        plan.items.retain(|it| seen.insert(it.id.clone()));
    }
}
