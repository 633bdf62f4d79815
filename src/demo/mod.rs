//! `csat demo`: a deterministic, realistic demo workspace.
//!
//! A furniture chain of 4 regions and 12 stores, 6,000 customers in the handbook's four
//! tiers, twelve months ending 2026-10, with the inputs in the shapes users really have
//! (问卷星 GBK CSV, call-centre UTF-8 CSV, keyed-in mail forms as XLSX, interview notes, a
//! complaint log, a customer file, competitor ratings, external benchmarks and an
//! improvement-action log). True effects are planted and documented in the generated
//! `README.md`, so the analysis can be checked against what is known to be there. The
//! generator is pure: it returns the files as bytes; `cmd::demo` writes them.

pub mod rng;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use crate::period::Period;
use rng::Rng;

mod records;
mod surveys;
mod world;
use records::*;
use surveys::*;
use world::*;

/// The seed of the committed `data/demo` workspace.
pub const DEFAULT_SEED: u64 = 15;

/// The config template; `{RAW}`, `{LAKE}`, `{MARTS}` and `{REPORTS}` are filled in.
pub const CONFIG_TEMPLATE: &str = include_str!("csat.toml.in");

/// The demo's config with the given paths (relative to where the file will live).
pub fn config_text(raw: &str, lake: &str, marts: &str, reports: &str) -> String {
    CONFIG_TEMPLATE
        .replace("{RAW}", raw)
        .replace("{LAKE}", lake)
        .replace("{MARTS}", marts)
        .replace("{REPORTS}", reports)
}

/// One generated file: its path relative to the workspace, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

const FIRST_MONTH: Period = Period {
    year: 2025,
    month: 11,
};
const LAST_MONTH: Period = Period {
    year: 2026,
    month: 10,
};
const N_CUSTOMERS: usize = 6000;

/// A store of the demo: id, name, share of the customers (relative weight) and its fixed
/// effect on every answer (1–5 points).
pub(super) struct Store {
    pub(super) id: String,
    pub(super) zh: String,
    pub(super) weight: f64,
    pub(super) effect: f64,
}

/// The twelve named stores of the committed demo (id, name, weight, effect).
const NAMED_STORES: [(&str, &str, f64, f64); 12] = [
    ("S01", "上海真北店", 1.5, 0.10),
    ("S02", "杭州滨江店", 1.0, 0.05),
    ("S03", "南京河西店", 1.0, 0.00),
    ("S04", "北京东四环店", 1.4, 0.00),
    ("S05", "天津河东店", 0.9, -0.10),
    ("S06", "济南历下店", 0.8, -0.05),
    ("S07", "广州天河店", 1.3, 0.05),
    ("S08", "深圳南山店", 1.4, 0.12),
    ("S09", "厦门湖里店", 0.8, 0.00),
    ("S10", "成都高新店", 1.0, 0.02),
    ("S11", "重庆江北店", 1.0, -0.08),
    ("S12", "昆明西山店", 0.7, -0.15),
];

/// The regions the stores beyond the twelve are spread over, in turn.
const REGIONS: [&str; 4] = ["east", "north", "south", "west"];

/// The largest `--stores`: a carmaker's dealer network.
pub const MAX_STORES: usize = 5000;

/// The demo's stores: the twelve named ones, then `n − 12` more for benchmarks at dealer
/// scale (`D0013` 门店0013 …, weight 1, no effect, regions in turn), each with its region.
pub(super) fn stores(n: usize) -> Vec<(Store, Option<&'static str>)> {
    let named = NAMED_STORES.iter().map(|&(id, zh, weight, effect)| {
        (
            Store {
                id: id.into(),
                zh: zh.into(),
                weight,
                effect,
            },
            None,
        )
    });
    let more = (12..n).map(|i| {
        (
            Store {
                id: format!("D{:04}", i + 1),
                zh: format!("门店{:04}", i + 1),
                weight: 1.0,
                effect: 0.0,
            },
            Some(REGIONS[i % REGIONS.len()]),
        )
    });
    named.chain(more).collect()
}

/// The catalogue entries of the stores beyond the twelve (the template lists those).
fn extra_catalog(stores: &[(Store, Option<&'static str>)]) -> String {
    let mut out = String::new();
    for (s, region) in stores {
        if let Some(r) = region {
            out.push_str(&format!(
                "[[catalog.store]]\nid = \"{}\"\nzh = \"{}\"\nen = \"Store {}\"\nregion = \"{r}\"\n",
                s.id, s.zh, s.id
            ));
        }
    }
    out
}

/// The planted drop: this store's satisfaction falls by this much (1–5 points) in this month.
pub const DROP_STORE: &str = "S03";
pub const DROP_MONTH: Period = Period {
    year: 2026,
    month: 10,
};
pub const DROP_SIZE: f64 = 0.9;

const TIERS: [(&str, f64, f64); 4] = [
    ("忠民", 0.35, 0.0),
    ("好顾客", 0.30, 0.05),
    ("主力户", 0.25, 0.08),
    ("大户", 0.10, 0.15),
];
const PRODUCT_LINES: [&str; 5] = ["沙发", "床垫", "定制橱柜", "灯饰", "地板"];

/// Dimensions in questionnaire order: (id, mean on 1–5, true weight in overall satisfaction).
/// The weights are the planted driver importances (they sum to 1).
pub const DIMENSIONS: [(&str, f64, f64); 7] = [
    ("friendliness", 3.9, 0.12),
    ("initiative", 3.6, 0.05),
    ("supervision", 3.4, 0.08),
    ("delivery", 3.3, 0.15),
    ("product", 3.8, 0.30),
    ("service", 3.6, 0.20),
    ("handover", 3.8, 0.10),
];
/// Item → dimension index, for q01..q09.
const ITEM_DIM: [usize; 9] = [0, 1, 2, 3, 3, 4, 4, 5, 6];

/// Competitor effects per dimension (added to ours): 美居坊 is ahead on delivery.
const COMPETITORS: [(&str, [f64; 7]); 3] = [
    ("本品牌", [0.0; 7]),
    ("美居坊", [-0.10, -0.10, -0.10, 0.45, -0.10, -0.10, -0.10]),
    ("家悦汇", [-0.20; 7]),
];

/// Churn probability over the year by worst complaint outcome: none, closed within the
/// commitment, closed late, unresolved. Complainers churn about 3× as often.
pub const CHURN_P: [f64; 4] = [0.07, 0.17, 0.30, 0.40];

struct Customer {
    id: String,
    store: usize,
    tier: usize,
    first: NaiveDate,
    last: NaiveDate,
    churn: Option<NaiveDate>,
    value: f64,
}

/// One simulated answer sheet: q01..q09 on 1–5, overall (1–5), NPS (0–10), loyalty (1–5).
struct Sheet {
    items: [f64; 9],
    overall: f64,
    nps: f64,
    loyalty: f64,
    worst_dim: usize,
}

fn clamp_round(x: f64, lo: f64, hi: f64) -> f64 {
    x.round().clamp(lo, hi)
}

const PRAISE: [&str; 6] = [
    "整体很满意，导购很专业。",
    "送货安装都很顺利，点赞！",
    "商品质量不错，会推荐给朋友。",
    "服务周到，回访也很及时。",
    "环境好，价格也合理。",
    "安装师傅很细心，走前还打扫了卫生。",
];
const GRIPES: [&str; 7] = [
    "导购态度冷淡，问了半天没人理。",
    "希望导购能主动介绍一下优惠活动。",
    "买完之后就没人回访了。",
    "送货比约定时间晚了两天，也没有提前通知。",
    "沙发有明显色差，和样品不一致。",
    "投诉之后处理太慢，来回打了好几次电话。",
    "提货时排队太久，交接手续繁琐。",
];
const AGENTS: [&str; 6] = ["王丽", "陈静", "刘洋", "张敏", "李娜", "赵磊"];
const INTERVIEWERS: [&str; 3] = ["质量部-周婷", "质量部-吴昊", "质量部-孙悦"];

struct World {
    stores: Vec<Store>,
    customers: Vec<Customer>,
    complaints: Vec<Vec<String>>,
    /// Every respondent count is multiplied by this (`csat demo --scale`).
    scale: usize,
}

/// The largest `--scale`: ×1000 is about 6.8 M survey rows and 60 M answers, far past a
/// single machine's monthly volume; beyond it the generator's own memory becomes the limit.
pub const MAX_SCALE: usize = 1000;

/// Generate the demo workspace for `seed`, with every respondent count multiplied by
/// `scale` and `n_stores` stores (1 and 12 = the committed demo). Same arguments, same
/// bytes.
pub fn generate(seed: u64, scale: usize, n_stores: usize) -> Result<Vec<DemoFile>, String> {
    if !(1..=MAX_SCALE).contains(&scale) {
        return Err(format!(
            "--scale {scale}: use a whole number from 1 to {MAX_SCALE}"
        ));
    }
    if !(12..=MAX_STORES).contains(&n_stores) {
        return Err(format!(
            "--stores {n_stores}: use a whole number from 12 to {MAX_STORES}"
        ));
    }
    let with_regions = stores(n_stores);
    let catalog = extra_catalog(&with_regions);
    let stores: Vec<Store> = with_regions.into_iter().map(|(s, _)| s).collect();
    let mut rng = Rng::new(seed);
    let mut customers = make_customers(&mut rng, scale, &stores);
    let complaints = make_complaints_and_churn(&mut rng, &mut customers, &stores);
    let mut config = config_text("raw", "lake", "marts", "reports");
    if let Some(at) = config
        .find("[[catalog.tier]]")
        .filter(|_| !catalog.is_empty())
    {
        config.insert_str(at, &format!("{catalog}\n"));
    }
    let world = World {
        stores,
        customers,
        complaints,
        scale,
    };
    let f = |path: &str, bytes: Vec<u8>| DemoFile {
        path: path.to_string(),
        bytes,
    };
    Ok(vec![
        f("README.md", readme(seed, scale, n_stores).into_bytes()),
        f("csat.toml", config.into_bytes()),
        f(
            "raw/wjx_满意度调查_202511-202610.csv",
            web_survey(&mut rng, &world)?,
        ),
        f("raw/电话回访记录.csv", phone_sheet(&mut rng, &world)),
        f("raw/邮寄问卷录入.xlsx", mail_workbook(&mut rng, &world)?),
        f("raw/深入访谈记录.csv", interviews(&mut rng, &world)),
        f("raw/竞品对比调查.csv", competitor_survey(&mut rng, scale)),
        f("raw/投诉登记表.csv", complaint_log(&world)),
        f("raw/顾客档案.csv", customer_file(&world)),
        f("raw/行业对标.csv", benchmarks()),
        f("raw/持续改进记录表.csv", actions()),
    ])
}
