//! The columnar part of the metrics: polars lazy queries that turn the long `responses`
//! table into observations (items, dimensions, CSI and loyalty per response), then one pass
//! that sums them per period × segment × value × measure. Everything downstream works on
//! these small tables of sufficient statistics.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::config::{Config, Role};
use crate::period::Period;
use crate::schema::SourceKind;

/// The measure id of the weighted composite index.
pub const CSI: &str = "csi";
/// The measure id of the loyalty index.
pub const LOYALTY: &str = "loyalty";

fn items_meta(cfg: &Config) -> PolarsResult<DataFrame> {
    let items: Vec<_> = cfg
        .items
        .iter()
        .filter(|i| i.role != Role::Comment)
        .collect();
    let role = |r: Role| match r {
        Role::Rating => "rating",
        Role::Nps => "nps",
        Role::Loyalty => "loyalty",
        Role::Overall => "overall",
        Role::Comment => "comment",
    };
    let dw = |d: &Option<String>| {
        d.as_ref()
            .and_then(|d| cfg.dimensions.iter().find(|x| &x.id == d))
            .map(|x| x.weight)
    };
    df!(
        "item_id" => items.iter().map(|i| i.id.clone()).collect::<Vec<_>>(),
        "role" => items.iter().map(|i| role(i.role)).collect::<Vec<_>>(),
        "min" => items.iter().map(|i| i.min).collect::<Vec<_>>(),
        "max" => items.iter().map(|i| i.max).collect::<Vec<_>>(),
        "dimension" => items.iter().map(|i| i.dimension.clone()).collect::<Vec<_>>(),
        "dw" => items.iter().map(|i| dw(&i.dimension)).collect::<Vec<_>>(),
    )
}

/// Our own brand's answers in `periods`, from our own surveys (competitor surveys rate us
/// too, but feed the benchmark), joined with item metadata, with weight column `w`
/// (`weights`: response_id, period, rake_w, when weighting).
pub fn answers(
    responses: &DataFrame,
    cfg: &Config,
    periods: &[Period],
    weights: Option<&DataFrame>,
) -> PolarsResult<LazyFrame> {
    let mut keep = col("brand").eq(lit("ours")).and(col("score").is_not_null());
    for s in cfg
        .sources
        .iter()
        .filter(|s| s.kind == SourceKind::Competitor)
    {
        keep = keep.and(col("source").neq(lit(s.name.as_str())));
    }
    let mut in_periods = lit(false);
    for p in periods {
        in_periods = in_periods.or(col("period").eq(lit(p.to_string())));
    }
    let mut lf = responses
        .clone()
        .lazy()
        .filter(keep.and(in_periods))
        .inner_join(items_meta(cfg)?.lazy(), col("item_id"), col("item_id"));
    lf = match weights {
        Some(w) => lf
            .join(
                w.clone().lazy(),
                [col("response_id"), col("period"), col("source")],
                [col("response_id"), col("period"), col("source")],
                JoinArgs::new(JoinType::Left),
            )
            .with_column((col("weight") * col("rake_w").fill_null(lit(1.0))).alias("w")),
        None => lf.with_column(col("weight").alias("w")),
    };
    // A fixed row order (joins and hash group-bys do not keep one): floating-point sums
    // depend on the order of their terms, and outputs must be byte-identical run to run.
    Ok(lf
        .with_column(
            ((col("score") - col("min")) / (col("max") - col("min")) * lit(100.0)).alias("index"),
        )
        .sort(
            ["period", "source", "response_id", "item_id"],
            SortMultipleOptions::default(),
        ))
}

/// Observations: one row per response × measure with `x` (the score for items, the 0–100
/// index for dimensions and CSI), `top2` (1/0 for items) and the weight `w`.
pub fn observations(answers: LazyFrame, cfg: &Config) -> PolarsResult<LazyFrame> {
    let segs: Vec<Expr> = cfg
        .report_segments
        .iter()
        .map(|s| col(s.as_str()))
        .collect();
    let mut keys = vec![col("period"), col("source"), col("response_id"), col("w")];
    keys.extend(segs.iter().cloned());
    let cols_out = |extra: Vec<Expr>| {
        let mut v = vec![col("period"), col("source"), col("response_id"), col("w")];
        v.extend(segs.iter().cloned());
        v.extend(extra);
        v
    };
    let items = answers
        .clone()
        .filter(col("role").neq(lit("nps")))
        .select(cols_out(vec![
            col("item_id").alias("measure"),
            lit("item").alias("kind"),
            col("score").alias("x"),
            col("score")
                .gt_eq(col("max") - lit(1.0))
                .cast(DataType::Float64)
                .alias("top2"),
        ]));
    let mut dim_keys = keys.clone();
    dim_keys.push(col("dimension"));
    let dims = answers
        .clone()
        .filter(
            col("role")
                .eq(lit("rating"))
                .and(col("dimension").is_not_null()),
        )
        .group_by_stable(dim_keys)
        .agg([
            col("index").mean().alias("x"),
            col("dw").first().alias("dw"),
        ])
        .sort(
            ["period", "source", "response_id", "dimension"],
            SortMultipleOptions::default(),
        );
    let dim_obs = dims.clone().select(cols_out(vec![
        col("dimension").alias("measure"),
        lit("dimension").alias("kind"),
        col("x"),
        lit(NULL).cast(DataType::Float64).alias("top2"),
    ]));
    // The loyalty index per response: the mean 0–100 index of its loyalty items.
    let loyalty = answers
        .clone()
        .filter(col("role").eq(lit("loyalty")))
        .group_by_stable(keys.clone())
        .agg([col("index").mean().alias("x")])
        .select(cols_out(vec![
            lit(LOYALTY).alias("measure"),
            lit("loyalty").alias("kind"),
            col("x"),
            lit(NULL).cast(DataType::Float64).alias("top2"),
        ]));
    let mut parts = vec![items, dim_obs, loyalty];
    if !cfg.dimensions.is_empty() {
        parts.push(csi(dims, cfg)?.lazy());
    }
    concat(parts, UnionArgs::default())
}

/// CSI per response: the weighted mean of its answered dimensions' indices, weights
/// renormalised over what the respondent answered. Computed in one ordered pass over the
/// sorted dimension rows (not a polars group sum), so the value is the same in every run.
fn csi(dims: LazyFrame, cfg: &Config) -> PolarsResult<DataFrame> {
    let df = dims
        .sort(
            ["period", "source", "response_id", "dimension"],
            SortMultipleOptions::default(),
        )
        .collect()?;
    let key_cols = ["period", "source", "response_id"];
    let keys: Vec<Vec<Option<String>>> = key_cols
        .iter()
        .map(|c| strs_of(&df, c))
        .collect::<PolarsResult<_>>()?;
    let (x, dw, w) = (
        crate::frame::f64s(&df, "x")?,
        crate::frame::f64s(&df, "dw")?,
        crate::frame::f64s(&df, "w")?,
    );
    let segs: Vec<Vec<Option<String>>> = cfg
        .report_segments
        .iter()
        .map(|c| strs_of(&df, c))
        .collect::<PolarsResult<_>>()?;
    let mut first = Vec::new();
    let mut value = Vec::new();
    let mut i = 0;
    while i < df.height() {
        let (mut num, mut den) = (0.0, 0.0);
        let start = i;
        while i < df.height() && keys.iter().all(|k| k[i] == k[start]) {
            if let (Some(x), Some(d)) = (x[i], dw[i]) {
                num += x * d;
                den += d;
            }
            i += 1;
        }
        if den > 0.0 {
            first.push(start);
            value.push(num / den);
        }
    }
    let pick = |v: &Vec<Option<String>>| first.iter().map(|&i| v[i].clone()).collect::<Vec<_>>();
    let mut cols = vec![
        Column::new("period".into(), pick(&keys[0])),
        Column::new("source".into(), pick(&keys[1])),
        Column::new("response_id".into(), pick(&keys[2])),
        Column::new("w".into(), first.iter().map(|&i| w[i]).collect::<Vec<_>>()),
    ];
    for (name, v) in cfg.report_segments.iter().zip(&segs) {
        cols.push(Column::new(name.as_str().into(), pick(v)));
    }
    cols.push(Column::new("measure".into(), vec![CSI; first.len()]));
    cols.push(Column::new("kind".into(), vec!["csi"; first.len()]));
    cols.push(Column::new("x".into(), value));
    cols.push(Column::new("top2".into(), vec![None::<f64>; first.len()]));
    DataFrame::new(first.len(), cols)
}

/// Running sums of one cell.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    n: i64,
    sw: f64,
    sw2: f64,
    swx: f64,
    swx2: f64,
    swt: f64,
    kt: f64,
    // NPS: weighted and unweighted promoters and detractors.
    swp: f64,
    swd: f64,
    kp: f64,
    kd: f64,
}

fn strs_of(df: &DataFrame, c: &str) -> PolarsResult<Vec<Option<String>>> {
    crate::frame::strs(df, c)
}

/// A string column as small integer codes (and the strings they stand for), so that the
/// accumulation below keys on integers instead of allocating strings per row.
fn codes(v: &[Option<String>]) -> (Vec<Option<u32>>, Vec<String>) {
    let mut index: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    let mut names = Vec::new();
    let codes = v
        .iter()
        .map(|s| {
            s.as_deref().map(|s| {
                *index.entry(s).or_insert_with(|| {
                    names.push(s.to_string());
                    (names.len() - 1) as u32
                })
            })
        })
        .collect();
    (codes, names)
}

type CellKey = (String, String, String, String, String);

/// Accumulate `df` (already in a fixed row order) per (period, segment, value, measure,
/// kind) for everyone ("all") and each segment. The additions happen here, in row order,
/// rather than in polars' vectorised kernels, whose float sums can differ in the last bit
/// from run to run; this keeps outputs byte-identical. It is one pass of plain additions.
fn accumulate(
    df: &DataFrame,
    segments: &[String],
    with_measure: bool,
    add: impl Fn(&mut Acc, usize),
) -> PolarsResult<BTreeMap<CellKey, Acc>> {
    let none = vec![None; df.height()];
    let (period, pn) = codes(&strs_of(df, "period")?);
    let (measure, mn) = if with_measure {
        codes(&strs_of(df, "measure")?)
    } else {
        codes(&none)
    };
    let (kind, kn) = if with_measure {
        codes(&strs_of(df, "kind")?)
    } else {
        codes(&none)
    };
    let mut segs = Vec::new();
    for s in segments {
        segs.push(codes(&strs_of(df, s)?));
    }
    // Key: (period, segment index (0 = all), value, measure, kind) as codes.
    let mut acc: std::collections::HashMap<(u32, u32, u32, u32, u32), Acc> =
        std::collections::HashMap::new();
    let c = |v: Option<u32>| v.unwrap_or(u32::MAX);
    for i in 0..df.height() {
        let (p, m, k) = (c(period[i]), c(measure[i]), c(kind[i]));
        add(acc.entry((p, 0, 0, m, k)).or_default(), i);
        for (si, (vals, _)) in segs.iter().enumerate() {
            if let Some(v) = vals[i] {
                add(acc.entry((p, si as u32 + 1, v, m, k)).or_default(), i);
            }
        }
    }
    let name = |names: &[String], code: u32| names.get(code as usize).cloned().unwrap_or_default();
    Ok(acc
        .into_iter()
        .map(|((p, s, v, m, k), a)| {
            let (segment, value) = if s == 0 {
                ("all".to_string(), "all".to_string())
            } else {
                (
                    segments[s as usize - 1].clone(),
                    name(&segs[s as usize - 1].1, v),
                )
            };
            (
                (name(&pn, p), segment, value, name(&mn, m), name(&kn, k)),
                a,
            )
        })
        .collect())
}

/// The accumulated cells as a frame: the key columns (with measure and kind when
/// `with_measure`), `n`, then the named sums.
fn acc_frame(
    acc: BTreeMap<CellKey, Acc>,
    with_measure: bool,
    sums: &[(&str, fn(&Acc) -> f64)],
) -> PolarsResult<DataFrame> {
    let rows: Vec<(CellKey, Acc)> = acc.into_iter().collect();
    let key = |name: &str, f: fn(&CellKey) -> &String| {
        Column::new(
            name.into(),
            rows.iter().map(|(k, _)| f(k).clone()).collect::<Vec<_>>(),
        )
    };
    let mut cols = vec![
        key("period", |k| &k.0),
        key("segment", |k| &k.1),
        key("segment_value", |k| &k.2),
    ];
    if with_measure {
        cols.push(key("measure", |k| &k.3));
        cols.push(key("kind", |k| &k.4));
    }
    cols.push(Column::new(
        "n".into(),
        rows.iter().map(|(_, a)| a.n).collect::<Vec<_>>(),
    ));
    for (name, f) in sums {
        cols.push(Column::new(
            (*name).into(),
            rows.iter().map(|(_, a)| f(a)).collect::<Vec<_>>(),
        ));
    }
    DataFrame::new(rows.len(), cols)
}

/// Sufficient statistics per period × segment × value × measure (+ kind): n, Σw, Σw²,
/// Σwx, Σwx², Σw·top2, and the unweighted top-2 count. `segment = "all"` is everyone.
pub fn sums(obs: LazyFrame, segments: &[String]) -> PolarsResult<DataFrame> {
    let df = obs
        .sort(
            ["period", "source", "response_id", "measure"],
            SortMultipleOptions::default(),
        )
        .collect()?;
    let (x, w, t) = (
        crate::frame::f64s(&df, "x")?,
        crate::frame::f64s(&df, "w")?,
        crate::frame::f64s(&df, "top2")?,
    );
    let acc = accumulate(&df, segments, true, |a, i| {
        let (Some(x), Some(w)) = (x[i], w[i]) else {
            return;
        };
        a.n += 1;
        a.sw += w;
        a.sw2 += w * w;
        a.swx += w * x;
        a.swx2 += w * x * x;
        if let Some(t) = t[i] {
            a.swt += w * t;
            a.kt += t;
        }
    })?;
    acc_frame(
        acc,
        true,
        &[
            ("sw", |a| a.sw),
            ("sw2", |a| a.sw2),
            ("swx", |a| a.swx),
            ("swx2", |a| a.swx2),
            ("swt", |a| a.swt),
            ("kt", |a| a.kt),
        ],
    )
}

/// NPS counts per period × segment × value: n, Σw, Σw², weighted and unweighted promoters
/// (9–10) and detractors (0–6).
pub fn nps_sums(answers: LazyFrame, segments: &[String]) -> PolarsResult<DataFrame> {
    let df = answers.filter(col("role").eq(lit("nps"))).collect()?;
    let (x, w) = (
        crate::frame::f64s(&df, "score")?,
        crate::frame::f64s(&df, "w")?,
    );
    let acc = accumulate(&df, segments, false, |a, i| {
        let (Some(x), Some(w)) = (x[i], w[i]) else {
            return;
        };
        let (pro, det) = (
            (x >= super::stats::PROMOTER_MIN) as u8 as f64,
            (x <= super::stats::DETRACTOR_MAX) as u8 as f64,
        );
        a.n += 1;
        a.sw += w;
        a.sw2 += w * w;
        a.swp += w * pro;
        a.swd += w * det;
        a.kp += pro;
        a.kd += det;
    })?;
    acc_frame(
        acc,
        false,
        &[
            ("sw", |a| a.sw),
            ("sw2", |a| a.sw2),
            ("swp", |a| a.swp),
            ("swd", |a| a.swd),
            ("kp", |a| a.kp),
            ("kd", |a| a.kd),
        ],
    )
}

/// Per response of the given periods: each dimension's index and the overall item's score,
/// wide (one column per dimension), complete cases only — the drivers model's input.
pub fn driver_matrix(
    answers: LazyFrame,
    cfg: &Config,
    periods: &[Period],
) -> PolarsResult<DataFrame> {
    let overall = cfg
        .items_with_role(Role::Overall)
        .next()
        .map(|i| i.id.clone())
        .unwrap_or_default();
    let mut in_periods = lit(false);
    for p in periods {
        in_periods = in_periods.or(col("period").eq(lit(p.to_string())));
    }
    let a = answers.filter(in_periods);
    let mut lf = a
        .clone()
        .filter(col("item_id").eq(lit(overall.as_str())))
        .select([
            col("period"),
            col("source"),
            col("response_id"),
            col("score").alias("__overall"),
        ]);
    for d in &cfg.dimensions {
        let dim = a
            .clone()
            .filter(
                col("role")
                    .eq(lit("rating"))
                    .and(col("dimension").eq(lit(d.id.as_str()))),
            )
            .group_by_stable([col("period"), col("source"), col("response_id")])
            .agg([col("index").mean().alias(d.id.as_str())]);
        lf = lf.inner_join_multi(dim);
    }
    lf.sort(
        ["period", "source", "response_id"],
        SortMultipleOptions::default(),
    )
    .collect()
}

trait JoinOnResponse {
    fn inner_join_multi(self, other: LazyFrame) -> LazyFrame;
}

impl JoinOnResponse for LazyFrame {
    fn inner_join_multi(self, other: LazyFrame) -> LazyFrame {
        let keys = [col("period"), col("source"), col("response_id")];
        self.join(other, keys.clone(), keys, JoinArgs::new(JoinType::Inner))
    }
}

/// Competitor-survey answers per period × brand × item: n, Σx, Σx² (unweighted).
pub fn brand_sums(responses: &DataFrame, cfg: &Config, period: Period) -> PolarsResult<DataFrame> {
    let mut from_competitor = lit(false);
    for s in cfg
        .sources
        .iter()
        .filter(|s| s.kind == SourceKind::Competitor)
    {
        from_competitor = from_competitor.or(col("source").eq(lit(s.name.as_str())));
    }
    responses
        .clone()
        .lazy()
        .filter(
            from_competitor
                .and(col("period").eq(lit(period.to_string())))
                .and(col("score").is_not_null()),
        )
        .group_by_stable([col("brand"), col("item_id")])
        .agg([
            len().cast(DataType::Int64).alias("n"),
            col("score").sum().alias("sx"),
            (col("score") * col("score")).sum().alias("sx2"),
        ])
        .sort(["item_id", "brand"], SortMultipleOptions::default())
        .collect()
}

/// Responses (distinct response ids) and the mean overall score per period × channel.
pub fn channel_sums(answers: LazyFrame, cfg: &Config) -> PolarsResult<DataFrame> {
    let overall = cfg
        .items_with_role(Role::Overall)
        .next()
        .map(|i| i.id.clone())
        .unwrap_or_default();
    answers
        .filter(
            col("item_id")
                .eq(lit(overall.as_str()))
                .and(col("channel").is_not_null()),
        )
        .group_by_stable([col("period"), col("channel").cast(DataType::String)])
        .agg([
            len().cast(DataType::Int64).alias("n"),
            col("w").sum().alias("sw"),
            (col("w") * col("w")).sum().alias("sw2"),
            (col("w") * col("score")).sum().alias("swx"),
            (col("w") * col("score") * col("score")).sum().alias("swx2"),
        ])
        .sort(["period", "channel"], SortMultipleOptions::default())
        .collect()
}
