//! Numbers as the report writes them: scores, amounts, percentages, intervals, signed
//! changes, p- and q-values and counts.

use super::*;

/// A 1–5 style mean: "4.12 分" in Chinese, "4.12" in English.
pub fn score(x: f64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{x:.2} 分"),
        Lang::En => format!("{x:.2}"),
    }
}

/// A number of hours or days as a person writes it: "24", "1.5".
pub(super) fn amount(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

/// A confidence level as a percentage: "95%", "90%", "99.5%".
pub fn level(confidence: f64) -> String {
    format!("{}%", amount((confidence * 1000.0).round() / 10.0))
}

/// A share as a percentage with one decimal: "35.2%".
pub fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// An interval: "[3.95, 4.21]". The minus sign is the typographic one.
pub fn interval(lo: f64, hi: f64, decimals: usize) -> String {
    format!("[{}, {}]", signed(lo, decimals), signed(hi, decimals))
}

/// A number with a typographic minus sign.
pub fn signed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if let Some(rest) = s.strip_prefix('-') {
        if rest.chars().all(|c| c == '0' || c == '.') {
            rest.to_string()
        } else {
            format!("−{rest}")
        }
    } else {
        s
    }
}

/// A change with its sign always shown: "+0.27", "−0.27".
pub fn signed_plus(x: f64, decimals: usize) -> String {
    let s = signed(x, decimals);
    if s.starts_with('−') || s.chars().all(|c| c == '0' || c == '.') {
        s
    } else {
        format!("+{s}")
    }
}

/// A p- or q-value as people read it: 0.034, 0.003, or < 0.001.
pub fn pvalue(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".into()
    } else {
        format!("{p:.3}")
    }
}

/// "q = 0.034" or "q < 0.001".
pub fn qvalue(q: f64) -> String {
    let v = pvalue(q);
    if v.starts_with('<') {
        format!("q {v}")
    } else {
        format!("q = {v}")
    }
}

/// A count with thousands separators: 12,345.
pub fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
