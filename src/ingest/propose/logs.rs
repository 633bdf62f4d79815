//! Proposals for the sources that are not questionnaires: complaint logs, customer files,
//! benchmark tables and improvement-action logs.

use super::{custom, has, map, skip, SourcePlan};
use crate::ingest::infer::{Guess, Profile};

pub(super) fn complaints(plan: &mut SourcePlan, cols: &[(&Profile, &Guess)]) {
    let mut times: Vec<&Profile> = Vec::new();
    for (p, g) in cols {
        let h = p.header.as_str();
        let taken = |plan: &SourcePlan, f: &str| plan.columns.iter().any(|c| c.0 == f);
        match g {
            Guess::Id if !taken(plan, "complaint_id") && !has(h, &["customer", "客户", "会员"]) => {
                map(plan, "complaint_id", p)
            }
            Guess::Id | Guess::Ref if !taken(plan, "customer_id") => map(plan, "customer_id", p),
            Guess::Time => times.push(p),
            // Yes/no answers (with N/A for questions not asked: three values, still a flag).
            _ if has(h, &["timely", "及时"]) && p.distinct <= 3 => {
                map(plan, "timely_response", p)
            }
            _ if has(h, &["disput", "异议"]) && p.distinct <= 3 => map(plan, "disputed", p),
            Guess::Store => map(plan, "store", p),
            Guess::Rating { .. } if has(h, &["满意", "satisf"]) => {
                map(plan, "handling_satisfaction", p)
            }
            Guess::Number | Guess::Rating { .. }
                if has(h, &["赔偿", "补偿", "compensation", "refund", "金额"]) =>
            {
                map(plan, "compensation", p)
            }
            _ if has(h, &["issue", "类别", "类型", "问题", "category", "原因"])
                && !taken(plan, "category") =>
            {
                map(plan, "category", p)
            }
            _ if has(h, &["severity", "严重", "级别"]) => map(plan, "severity", p),
            _ if has(h, &["channel", "渠道", "submitted via", "来源"]) => {
                map(plan, "channel", p)
            }
            _ if has(h, &["status", "状态", "company response", "处理结果"]) => {
                map(plan, "status", p)
            }
            Guess::Region | Guess::Segment | Guess::Tier => custom(plan, p, "segment"),
            Guess::Personal | Guess::Ref => skip(plan, p, g),
            _ if has(h, &["product", "产品"]) && !taken(plan, "category") => {
                map(plan, "category", p)
            }
            _ => skip(plan, p, g),
        }
    }
    for p in times {
        let h = p.header.as_str();
        let field = if has(h, &["response", "响应", "回复"]) {
            "first_response_at"
        } else if has(h, &["close", "结案", "解决", "完成"]) {
            "closed_at"
        } else {
            "received_at"
        };
        if !plan.columns.iter().any(|c| c.0 == field) {
            map(plan, field, p);
        }
    }
    if !plan.columns.iter().any(|c| c.0 == "complaint_id") {
        plan.columns
            .push(("complaint_id".into(), crate::schema::LINE.into()));
        plan.todos
            .push("no complaint id column: each row is a complaint numbered by its line".into());
    }
    if !plan.columns.iter().any(|c| c.0 == "category") {
        plan.todos
            .push("no category column found: map category (the complaint type) to a header".into());
    }
}

pub(super) fn customers(plan: &mut SourcePlan, cols: &[(&Profile, &Guess)]) {
    for (p, g) in cols {
        let h = p.header.as_str();
        let taken = |plan: &SourcePlan, f: &str| plan.columns.iter().any(|c| c.0 == f);
        let churn = has(h, &["churn", "流失", "exited", "attrition"]);
        match g {
            Guess::Id if !taken(plan, "customer_id") => map(plan, "customer_id", p),
            Guess::Flag(..) if churn => map(plan, "churned", p),
            Guess::Flag(..) if has(h, &["complain", "投诉"]) => map(plan, "complained", p),
            Guess::Time if churn => map(plan, "churn_date", p),
            Guess::Time if has(h, &["first", "首次", "join", "开户", "注册", "since"]) => {
                map(plan, "first_purchase", p)
            }
            Guess::Time if has(h, &["last", "最近", "最后"]) => map(plan, "last_purchase", p),
            Guess::Store => map(plan, "store", p),
            Guess::Region => map(plan, "region", p),
            Guess::Tier if !taken(plan, "tier") => map(plan, "tier", p),
            Guess::Number | Guess::Rating { .. } | Guess::Nps
                if has(h, &["消费", "金额", "value", "balance", "spend", "revenue"])
                    && !taken(plan, "value") =>
            {
                map(plan, "value", p)
            }
            Guess::Number | Guess::Rating { .. } | Guess::Nps => control(plan, p, "number"),
            Guess::Tier | Guess::Segment | Guess::Flag(..) => control(plan, p, "segment"),
            _ => skip(plan, p, g),
        }
    }
    if !plan.columns.iter().any(|c| c.0 == "customer_id") {
        plan.columns
            .push(("customer_id".into(), crate::schema::LINE.into()));
        plan.todos.push("no customer id column: each row is a customer numbered by its line (the survey cannot be joined to it)".into());
    }
    if !plan
        .columns
        .iter()
        .any(|c| c.0 == "churned" || c.0 == "churn_date")
    {
        plan.todos.push("no churn flag or date found: map churned or churn_date, or set [churn] after_days with last_purchase".into());
    }
}

/// A custom field of a customer file, suggested as a churn-model control.
fn control(plan: &mut SourcePlan, p: &Profile, ty: &'static str) {
    custom(plan, p, ty);
    plan.controls
        .push(plan.fields.last().expect("just added").id.clone());
}

/// The first column whose header has one of `words` (and is not mapped yet) as `field`.
fn by_header(plan: &mut SourcePlan, cols: &[(&Profile, &Guess)], field: &str, words: &[&str]) {
    let taken: Vec<String> = plan.columns.iter().map(|c| c.1.clone()).collect();
    match cols
        .iter()
        .find(|(p, _)| has(&p.header, words) && !taken.contains(&p.header))
    {
        Some((p, _)) => plan.columns.push((field.to_string(), p.header.clone())),
        None => plan
            .todos
            .push(format!("no column found for {field}: map it to a header")),
    }
}

/// The columns no field took, listed as not mapped.
fn rest_skipped(plan: &mut SourcePlan, cols: &[(&Profile, &Guess)]) {
    for (p, _) in cols {
        if !plan.columns.iter().any(|c| c.1 == p.header) {
            plan.skipped
                .push((p.header.clone(), "not used (no role guessed)".into()));
        }
    }
}

/// An external reference table: one row per period, measure and reference.
pub(super) fn benchmark(plan: &mut SourcePlan, cols: &[(&Profile, &Guess)]) {
    by_header(plan, cols, "measure", &["指标", "measure", "metric"]);
    by_header(
        plan,
        cols,
        "reference",
        &["参照", "对标", "reference", "benchmark", "来源"],
    );
    by_header(
        plan,
        cols,
        "period",
        &["期间", "月份", "period", "month", "日期", "date"],
    );
    by_header(
        plan,
        cols,
        "value",
        &["数值", "值", "value", "score", "得分"],
    );
    for (field, words) in [
        ("scale_min", ["下限", "min"]),
        ("scale_max", ["上限", "max"]),
    ] {
        if cols.iter().any(|(p, _)| has(&p.header, &words)) {
            by_header(plan, cols, field, &words);
        }
    }
    plan.todos.push("the measure column must hold questionnaire item ids (q01 …) as in [questionnaire]: check its values".into());
    rest_skipped(plan, cols);
}

/// An improvement-action log: one row per action, dated by its start.
pub(super) fn actions(plan: &mut SourcePlan, cols: &[(&Profile, &Guess)]) {
    let id = cols
        .iter()
        .find(|(_, g)| **g == Guess::Id)
        .map(|(p, _)| p.header.clone());
    match id {
        Some(h) => plan.columns.push(("action_id".into(), h)),
        None => plan
            .columns
            .push(("action_id".into(), crate::schema::LINE.into())),
    }
    by_header(
        plan,
        cols,
        "title",
        &["措施", "改进", "action", "title", "内容"],
    );
    for (field, words) in [
        ("measure", &["指标", "measure", "metric"][..]),
        ("store", &["门店", "store"][..]),
        ("owner", &["责任人", "负责人", "owner"][..]),
        ("opened", &["开始", "启动", "opened", "start"][..]),
        ("closed", &["完成", "关闭", "closed", "end", "finish"][..]),
        ("status", &["状态", "status"][..]),
    ] {
        if cols.iter().any(|(p, _)| has(&p.header, words)) {
            by_header(plan, cols, field, words);
        }
    }
    if !plan.columns.iter().any(|c| c.0 == "opened") {
        plan.todos
            .push("no start date column: map opened (every action needs its start date)".into());
    }
    rest_skipped(plan, cols);
}
