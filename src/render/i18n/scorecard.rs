//! The words of the store and region scorecards (`csat report --scorecards`).

use super::*;

/// Whose scorecard: a store's or a region's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardKind {
    Store,
    Region,
}

/// The page title: 门店服务月度考核表 / Store service scorecard.
pub fn card_title(kind: CardKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (CardKind::Store, Lang::Zh) => "门店服务月度考核表",
        (CardKind::Store, Lang::En) => "Store service scorecard",
        (CardKind::Region, Lang::Zh) => "区域服务月度考核表",
        (CardKind::Region, Lang::En) => "Region service scorecard",
    }
}

/// The title of the combined file.
pub fn deck_title(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "门店与区域服务考核表",
        Lang::En => "Store and region scorecards",
    }
}

/// The rank among the peers that have enough answers: 第 3 / 12 名 / rank 3 of 12.
pub fn rank(r: usize, of: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("第 {r} / {of} 名"),
        Lang::En => format!("rank {r} of {of}"),
    }
}

/// In place of a rank when the cell is suppressed.
pub fn not_ranked(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "样本不足，不排名",
        Lang::En => "too few answers to rank",
    }
}

/// The banner of a store with fewer answers than `[thresholds] min_n`.
pub fn too_few(n: usize, min_n: usize, kind: CardKind, lang: Lang) -> String {
    let who = match (kind, lang) {
        (CardKind::Store, Lang::Zh) => "本店",
        (CardKind::Region, Lang::Zh) => "本区域",
        (CardKind::Store, Lang::En) => "this store",
        (CardKind::Region, Lang::En) => "this region",
    };
    match lang {
        Lang::Zh => format!(
            "样本不足：{who}本月只有 {n} 份回答（少于 {min_n} 份），下列数字不稳定，不参与排名，变化不作显著性检验。"
        ),
        Lang::En => format!(
            "Too few answers: {n} this month for {who} (fewer than {min_n}). The figures below are unstable; they are not ranked and their changes are not tested."
        ),
    }
}

/// "较上月 +0.12" / "vs last month +0.12"; without a previous month "上月无数据".
pub fn vs_last(delta: Option<String>, lang: Lang) -> String {
    match (delta, lang) {
        (Some(d), Lang::Zh) => format!("较上月 {d}"),
        (Some(d), Lang::En) => format!("vs last month {d}"),
        (None, Lang::Zh) => "上月无数据".into(),
        (None, Lang::En) => "no data last month".into(),
    }
}

/// "较其他门店 +0.05" / "vs other stores +0.05".
pub fn vs_others(delta: Option<String>, kind: CardKind, lang: Lang) -> String {
    let others = others(kind, lang);
    match (delta, lang) {
        (Some(d), Lang::Zh) => format!("较{others} {d}"),
        (Some(d), Lang::En) => format!("vs {others} {d}"),
        (None, Lang::Zh) => format!("{others}无可比数据"),
        (None, Lang::En) => format!("no comparison with {others}"),
    }
}

/// 其他门店 / other stores.
pub fn others(kind: CardKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (CardKind::Store, Lang::Zh) => "其他门店",
        (CardKind::Region, Lang::Zh) => "其他区域",
        (CardKind::Store, Lang::En) => "other stores",
        (CardKind::Region, Lang::En) => "other regions",
    }
}

/// The line under the name, with the answers to the overall item (the n that decides
/// whether the card is ranked): "华东区 · 本月回答 212 份（总体满意度）" / "East · 212 answers
/// this month (Overall satisfaction)".
pub fn answers_line(parent: Option<&str>, n: usize, item: &str, lang: Lang) -> String {
    let n = count(n);
    let a = match lang {
        Lang::Zh => format!("本月回答 {n} 份（{item}）"),
        Lang::En => format!("{n} answers this month ({item})"),
    };
    match parent {
        Some(p) => format!("{p} · {a}"),
        None => a,
    }
}

/// "下辖 3 家门店" / "3 stores".
pub fn stores_in_region(k: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("下辖 {k} 家门店"),
        Lang::En => format!("{k} stores"),
    }
}

/// The tiles' labels.
pub fn csi_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "顾客满意度指数 CSI",
        Lang::En => "Satisfaction index (CSI)",
    }
}

pub fn nps_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "净推荐值 NPS",
        Lang::En => "Net Promoter Score",
    }
}

/// The trend box's title: "总体满意度，近 13 个月" / "Overall satisfaction, last 13 months".
pub fn spark_title(what: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{what}，近 13 个月"),
        Lang::En => format!("{what}, last 13 months"),
    }
}

/// The trend's legend: this store / the company.
pub fn spark_legend(kind: CardKind, lang: Lang) -> (&'static str, &'static str) {
    match (kind, lang) {
        (CardKind::Store, Lang::Zh) => ("本店", "全公司"),
        (CardKind::Region, Lang::Zh) => ("本区域", "全公司"),
        (CardKind::Store, Lang::En) => ("this store", "company"),
        (CardKind::Region, Lang::En) => ("this region", "company"),
    }
}

/// Said of a month outside the store's control limits.
pub fn out_of_control(month: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{month} 超出控制限（异常波动）"),
        Lang::En => format!("{month} outside the control limits (special cause)"),
    }
}

pub fn weakest_title(kind: CardKind, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("各项目与{}比较（最弱的在前）", others(kind, lang)),
        Lang::En => format!("Items against {} (weakest first)", others(kind, lang)),
    }
}

pub fn weakest_header(kind: CardKind, lang: Lang) -> Vec<String> {
    let own = match (kind, lang) {
        (CardKind::Store, Lang::Zh) => "本店",
        (CardKind::Region, Lang::Zh) => "本区域",
        (_, Lang::En) => "here",
    };
    match lang {
        Lang::Zh => vec![
            "项目".into(),
            own.into(),
            others(kind, lang).into(),
            "差距".into(),
            "满意率".into(),
        ],
        Lang::En => vec![
            "item".into(),
            own.into(),
            others(kind, lang).into(),
            "gap".into(),
            "top-2-box".into(),
        ],
    }
}

pub fn complaints_title(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "投诉处理",
        Lang::En => "Complaint handling",
    }
}

/// The complaint lines' labels: complaints this month, per 1,000 customers, open.
pub fn complaints_labels(lang: Lang) -> [&'static str; 3] {
    match lang {
        Lang::Zh => ["本月投诉", "每千名顾客投诉", "未结投诉"],
        Lang::En => ["complaints this month", "per 1,000 customers", "still open"],
    }
}

/// "上月 7" / "last month 7".
pub fn last_month_count(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("上月 {n}"),
        Lang::En => format!("last month {n}"),
    }
}

/// "上月 83.3%" / "last month 83.3%".
pub fn last_month_share(p: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("上月 {p}"),
        Lang::En => format!("last month {p}"),
    }
}

/// The NPS tile's mix: "推荐者 46% · 贬损者 24%".
pub fn nps_mix(promoters: f64, detractors: f64, lang: Lang) -> String {
    let (p, d) = (
        format!("{:.0}%", promoters * 100.0),
        format!("{:.0}%", detractors * 100.0),
    );
    match lang {
        Lang::Zh => format!("推荐者 {p} · 贬损者 {d}"),
        Lang::En => format!("promoters {p} · detractors {d}"),
    }
}

/// "n = 12" with the complaints a share is over.
pub fn of_n(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{n} 件中"),
        Lang::En => format!("of {n}"),
    }
}

/// A figure the log cannot give.
pub fn not_available(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "无法计算",
        Lang::En => "not available",
    }
}

/// Without a complaint log the block says so.
pub fn no_complaint_log(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "本工作区没有投诉记录来源。",
        Lang::En => "This workspace has no complaint log.",
    }
}

pub fn actions_title(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "改进措施",
        Lang::En => "Improvement actions",
    }
}

pub fn actions_header(lang: Lang) -> Vec<String> {
    match lang {
        Lang::Zh => vec![
            "措施".into(),
            "负责人".into(),
            "起止".into(),
            "效果".into(),
            "状态".into(),
        ],
        Lang::En => vec![
            "action".into(),
            "owner".into(),
            "dates".into(),
            "effect".into(),
            "status".into(),
        ],
    }
}

pub fn no_actions(kind: CardKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (CardKind::Store, Lang::Zh) => "改进措施记录中没有本店的措施。",
        (CardKind::Region, Lang::Zh) => "改进措施记录中没有本区域门店的措施。",
        (CardKind::Store, Lang::En) => "The improvement log has no action for this store.",
        (CardKind::Region, Lang::En) => {
            "The improvement log has no action for this region's stores."
        }
    }
}

/// The footer: how to read the marks and the ranks.
pub fn legend(confidence: f64, min_n: usize, lang: Lang) -> String {
    let (lvl, alpha) = (
        level(confidence),
        amount(((1.0 - confidence) * 1000.0).round() / 1000.0),
    );
    match lang {
        Lang::Zh => format!(
            "● 变化显著（Benjamini–Hochberg 校正后 q < {alpha}），红色为下降、绿色为上升；区间为 {lvl} 置信区间；名次按点估计排列，相邻名次的区间常有重叠；回答少于 {min_n} 份的不排名。数字与月度报告的数据集市一致。"
        ),
        Lang::En => format!(
            "● a significant change (q < {alpha} after Benjamini–Hochberg), red down, green up; intervals are {lvl} confidence intervals; ranks order the point estimates, and neighbouring ranks often overlap within their intervals; fewer than {min_n} answers are not ranked. The figures are the monthly report's marts."
        ),
    }
}

/// Below a card's six actions: "另有 3 项措施见月度报告" / "3 more in the monthly report".
pub fn more_actions(k: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("另有 {k} 项措施，见月度报告。"),
        Lang::En => format!("{k} more actions in the monthly report."),
    }
}

pub fn region_stores_title(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "区域内门店",
        Lang::En => "Stores of the region",
    }
}

/// The region's store table header, with the overall item's name.
pub fn region_stores_header(overall: &str, lang: Lang) -> Vec<String> {
    match lang {
        Lang::Zh => vec![
            "门店".into(),
            "回答".into(),
            overall.into(),
            "较上月".into(),
            "NPS".into(),
            "本月投诉".into(),
        ],
        Lang::En => vec![
            "store".into(),
            "answers".into(),
            overall.into(),
            "vs last month".into(),
            "NPS".into(),
            "complaints".into(),
        ],
    }
}

/// Under a region's table of more than ten stores.
pub fn region_stores_more(total: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("共 {total} 家门店，此处列出最好和最弱的各 5 家；每家门店见其考核表。"),
        Lang::En => format!("{total} stores: the five best and the five weakest are shown; every store has its own scorecard."),
    }
}
