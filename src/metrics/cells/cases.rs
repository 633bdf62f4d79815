//! The per-answer and per-brand views of a month besides the segment cells: the key-driver
//! cases (each respondent's item scores and overall score), the competitor benchmark's
//! brand sums, and the per-channel cells of the channels mart.

use super::*;

/// The overall item's id ("" when none is configured).
fn overall_item(cfg: &Config) -> String {
    cfg.items_with_role(Role::Overall)
        .next()
        .map(|i| i.id.clone())
        .unwrap_or_default()
}

/// One complete case of the drivers model: a response's overall score and the index of
/// each configured dimension (in configuration order).
#[derive(Debug, Clone, PartialEq)]
pub struct DriverCase {
    pub period: String,
    pub source: Option<String>,
    pub response_id: Option<String>,
    pub overall: Option<f64>,
    pub dims: Vec<f64>,
}

/// Per response: each configured dimension's index and the overall item's score,
/// complete cases only, in (source, response) order — the drivers model's input.
pub fn driver_matrix(a: &Answers, cfg: &Config) -> Vec<DriverCase> {
    let m = a.month;
    let overall = m.item.code_of(&overall_item(cfg));
    let wanted: Vec<Option<usize>> = cfg
        .dimensions
        .iter()
        .map(|d| m.dims.iter().position(|(id, _)| *id == d.id))
        .collect();
    let mut out = Vec::new();
    for rows in m.responses() {
        let Some(o) = rows
            .iter()
            .find(|&&r| overall.is_some() && m.item.codes[r] == overall)
        else {
            continue;
        };
        let dims = dimension_scores(m, rows);
        let vals: Option<Vec<f64>> = wanted
            .iter()
            .map(|d| d.and_then(|d| dims.iter().find(|(x, _)| *x == d).map(|(_, v)| *v)))
            .collect();
        let Some(vals) = vals else {
            continue;
        };
        out.push(DriverCase {
            period: m.period.clone(),
            source: m.source.name(rows[0]).map(str::to_string),
            response_id: m.response.name(rows[0]).map(str::to_string),
            overall: m.score[*o],
            dims: vals,
        });
    }
    out
}

/// Unweighted sums of the competitor-survey answers to one item about one brand.
#[derive(Debug, Clone, PartialEq)]
pub struct BrandCell {
    pub brand: String,
    pub item_id: String,
    pub n: usize,
    pub sx: f64,
    pub sx2: f64,
}

/// Competitor-survey answers of the month per brand × item: n, Σx, Σx² (unweighted),
/// sorted by item, then brand.
pub fn brand_sums(month: &Month) -> Vec<BrandCell> {
    let mut acc: BTreeMap<(&str, &str), (i64, f64, f64)> = BTreeMap::new();
    for i in 0..month.score.len() {
        let (Some(x), Some(s)) = (month.score[i], month.source.codes[i]) else {
            continue;
        };
        if !month.competitor.contains(&s) {
            continue;
        }
        let (Some(brand), Some(item)) = (month.brand.name(i), month.item.name(i)) else {
            continue;
        };
        let e = acc.entry((item, brand)).or_insert((0, 0.0, 0.0));
        e.0 += 1;
        e.1 += x;
        e.2 += x * x;
    }
    acc.into_iter()
        .map(|((item, brand), (n, sx, sx2))| BrandCell {
            brand: brand.to_string(),
            item_id: item.to_string(),
            n: n as usize,
            sx,
            sx2,
        })
        .collect()
}

/// The overall item's sums of one channel in one month, and its responses.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelCell {
    pub period: String,
    pub channel: String,
    /// Responses with at least one scored answer.
    pub responses: usize,
    /// The overall item's n, Σw, Σw², Σwx, Σwx².
    pub sums: Sums,
}

/// Answers to the overall item per month × channel: n, Σw, Σw², Σwx, Σwx² (the channels
/// mart's responses and mean), sorted by channel.
pub fn channel_sums(a: &Answers, cfg: &Config) -> Vec<ChannelCell> {
    let m = a.month;
    let overall = m.item.code_of(&overall_item(cfg));
    // Per channel: the overall item's sums, and the responses (with at least one scored
    // answer, whether or not they answered the overall item). `ours` is in (source,
    // response, item) order, so a response's rows are adjacent.
    let mut acc: BTreeMap<&str, (Acc, i64)> = BTreeMap::new();
    let mut last = None;
    for &r in &m.ours {
        let Some(ch) = m.channel.name(r) else {
            continue;
        };
        let key = (m.source.codes[r], m.response.codes[r]);
        if last != Some(key) {
            last = Some(key);
            acc.entry(ch).or_default().1 += 1;
        }
        if overall.is_none() || m.item.codes[r] != overall {
            continue;
        }
        let (Some(x), Some(w)) = (m.score[r], a.w[r]) else {
            continue;
        };
        acc.entry(ch).or_default().0.add(x, w, None);
    }
    acc.into_iter()
        .map(|(c, (a, k))| ChannelCell {
            period: m.period.clone(),
            channel: c.to_string(),
            responses: k as usize,
            sums: sums_of(&a),
        })
        .collect()
}
