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

struct Store {
    id: &'static str,
    zh: &'static str,
    weight: f64,
    effect: f64,
}

const STORES: [Store; 12] = [
    Store {
        id: "S01",
        zh: "上海真北店",
        weight: 1.5,
        effect: 0.10,
    },
    Store {
        id: "S02",
        zh: "杭州滨江店",
        weight: 1.0,
        effect: 0.05,
    },
    Store {
        id: "S03",
        zh: "南京河西店",
        weight: 1.0,
        effect: 0.00,
    },
    Store {
        id: "S04",
        zh: "北京东四环店",
        weight: 1.4,
        effect: 0.00,
    },
    Store {
        id: "S05",
        zh: "天津河东店",
        weight: 0.9,
        effect: -0.10,
    },
    Store {
        id: "S06",
        zh: "济南历下店",
        weight: 0.8,
        effect: -0.05,
    },
    Store {
        id: "S07",
        zh: "广州天河店",
        weight: 1.3,
        effect: 0.05,
    },
    Store {
        id: "S08",
        zh: "深圳南山店",
        weight: 1.4,
        effect: 0.12,
    },
    Store {
        id: "S09",
        zh: "厦门湖里店",
        weight: 0.8,
        effect: 0.00,
    },
    Store {
        id: "S10",
        zh: "成都高新店",
        weight: 1.0,
        effect: 0.02,
    },
    Store {
        id: "S11",
        zh: "重庆江北店",
        weight: 1.0,
        effect: -0.08,
    },
    Store {
        id: "S12",
        zh: "昆明西山店",
        weight: 0.7,
        effect: -0.15,
    },
];

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
    customers: Vec<Customer>,
    complaints: Vec<Vec<String>>,
    /// Every respondent count is multiplied by this (`csat demo --scale`).
    scale: usize,
}

/// The largest `--scale`: ×1000 is about 6.8 M survey rows and 60 M answers, far past a
/// single machine's monthly volume; beyond it the generator's own memory becomes the limit.
pub const MAX_SCALE: usize = 1000;

/// Generate the demo workspace for `seed`, with every respondent count multiplied by
/// `scale` (1 = the committed demo). Same seed and scale, same bytes.
pub fn generate(seed: u64, scale: usize) -> Result<Vec<DemoFile>, String> {
    if !(1..=MAX_SCALE).contains(&scale) {
        return Err(format!(
            "--scale {scale}: use a whole number from 1 to {MAX_SCALE}"
        ));
    }
    let mut rng = Rng::new(seed);
    let mut customers = make_customers(&mut rng, scale);
    let complaints = make_complaints_and_churn(&mut rng, &mut customers);
    let world = World {
        customers,
        complaints,
        scale,
    };
    let f = |path: &str, bytes: Vec<u8>| DemoFile {
        path: path.to_string(),
        bytes,
    };
    Ok(vec![
        f("README.md", readme(seed, scale).into_bytes()),
        f(
            "csat.toml",
            config_text("raw", "lake", "marts", "reports").into_bytes(),
        ),
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
