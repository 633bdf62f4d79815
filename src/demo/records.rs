//! The demo's other files: the customer file, the complaint log, the industry benchmarks,
//! the improvement-action log and the workspace README, with the byte helpers they share.

use super::*;

pub(super) fn csv_bytes(headers: &[&str], rows: &[Vec<String>], crlf: bool) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    w.write_record(headers).expect("in-memory write");
    for r in rows {
        w.write_record(r).expect("in-memory write");
    }
    w.into_inner().expect("in-memory write")
}

pub(super) fn gbk(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
    let (out, _, unmappable) = encoding_rs::GBK.encode(&text);
    if unmappable {
        return Err("demo text has a character outside GBK".into());
    }
    Ok(out.into_owned())
}

pub(super) fn with_bom(mut bytes: Vec<u8>) -> Vec<u8> {
    let mut out = b"\xef\xbb\xbf".to_vec();
    out.append(&mut bytes);
    out
}

pub(super) fn fmt_score(x: f64) -> String {
    format!("{}", x as i64)
}

pub(super) fn customer_file(w: &World) -> Vec<u8> {
    let headers = [
        "会员编号",
        "所属门店",
        "会员等级",
        "首次购买日期",
        "最近购买日期",
        "是否流失",
        "流失日期",
        "累计消费金额",
    ];
    let mut rows: Vec<Vec<String>> = w
        .customers
        .iter()
        .map(|c| {
            vec![
                c.id.clone(),
                w.stores[c.store].zh.clone(),
                TIERS[c.tier].0.to_string(),
                c.first.format("%Y-%m-%d").to_string(),
                c.last.format("%Y-%m-%d").to_string(),
                if c.churn.is_some() { "是" } else { "否" }.to_string(),
                c.churn
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                format!("{:.2}", c.value),
            ]
        })
        .collect();
    // Planted: a churn date keyed in before the first purchase.
    rows[4321][6] = "2021-05-01".into();
    rows[4321][5] = "是".into();
    with_bom(csv_bytes(&headers, &rows, true))
}

pub(super) fn complaint_log(w: &World) -> Vec<u8> {
    let headers = [
        "投诉编号",
        "会员编号",
        "受理时间",
        "投诉渠道",
        "投诉类别",
        "严重程度",
        "门店",
        "首次响应时间",
        "结案时间",
        "处理状态",
        "先行赔偿金额",
        "处理满意度",
    ];
    let mut rows = w.complaints.clone();
    // Planted: an unknown store, and a case closed before it was received.
    rows[100][6] = "无锡惠山店".into();
    let received =
        NaiveDateTime::parse_from_str(&rows[200][2], "%Y-%m-%d %H:%M").expect("we wrote it");
    rows[200][8] = (received - Duration::days(365))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    with_bom(csv_bytes(&headers, &rows, true))
}

pub(super) fn benchmarks() -> Vec<u8> {
    let headers = ["期间", "指标", "参照", "数值", "量表下限", "量表上限"];
    let mut rows = Vec::new();
    for (i, p) in months().into_iter().enumerate() {
        let drift = i as f64 * 0.005;
        for (measure, reference, v, lo, hi) in [
            ("q10", "行业平均", 3.85 + drift, 1.0, 5.0),
            ("q10", "行业领先", 4.30 + drift, 1.0, 5.0),
            ("q04", "行业平均", 3.70, 1.0, 5.0),
            ("q04", "行业领先", 4.25, 1.0, 5.0),
            ("nps", "行业平均", 18.0 + 10.0 * drift, -100.0, 100.0),
            ("nps", "行业领先", 42.0, -100.0, 100.0),
        ] {
            rows.push(vec![
                p.to_string(),
                measure.into(),
                reference.into(),
                format!("{v:.2}"),
                format!("{lo}"),
                format!("{hi}"),
            ]);
        }
    }
    csv_bytes(&headers, &rows, false)
}

pub(super) fn actions() -> Vec<u8> {
    let headers = [
        "编号",
        "改进措施",
        "目标指标",
        "门店",
        "责任人",
        "开始日期",
        "完成日期",
        "状态",
    ];
    let rows = [
        [
            "GJ2511-01",
            "送货时段预约制，超时短信自动告知",
            "q04",
            "",
            "物流部 马强",
            "2025-11-10",
            "2026-01-15",
            "已完成",
        ],
        [
            "GJ2512-01",
            "安装工完工自检表与清洁标准",
            "q05",
            "",
            "服务部 郑洁",
            "2025-12-01",
            "2026-02-28",
            "已完成",
        ],
        [
            "GJ2601-01",
            "导购主动服务话术培训",
            "q02",
            "S05",
            "天津河东店 店长",
            "2026-01-05",
            "2026-03-31",
            "已完成",
        ],
        [
            "GJ2603-01",
            "售后48小时回访制度",
            "q03",
            "",
            "客服中心 林芳",
            "2026-03-01",
            "2026-05-31",
            "已完成",
        ],
        [
            "GJ2605-01",
            "投诉首次响应4小时内机制",
            "handling",
            "",
            "客服中心 林芳",
            "2026-05-10",
            "2026-07-31",
            "已完成",
        ],
        [
            "GJ2607-01",
            "样品色差对照卡",
            "q07",
            "S12",
            "昆明西山店 店长",
            "2026-07-01",
            "",
            "进行中",
        ],
        [
            "GJ2609-01",
            "提货区扩容与叫号系统",
            "q09",
            "S08",
            "深圳南山店 店长",
            "2026-09-01",
            "",
            "进行中",
        ],
        [
            "GJ2610-01",
            "南京河西店服务质量专项整改",
            "q10",
            "S03",
            "华东区 区域经理",
            "2026-10-28",
            "",
            "进行中",
        ],
    ];
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect();
    csv_bytes(&headers, &rows, false)
}

/// The demo's README: what each file is, what was planted, which rows are bad on purpose.
pub fn readme(seed: u64, scale: usize, n_stores: usize) -> String {
    let dims: Vec<String> = DIMENSIONS
        .iter()
        .map(|(id, mu, b)| format!("| {id} | {mu:.1} | {b:.2} |"))
        .collect();
    let mut args = format!("--seed {seed}");
    if scale != 1 {
        args.push_str(&format!(" --scale {scale}"));
    }
    if n_stores != 12 {
        args.push_str(&format!(" --stores {n_stores}"));
    }
    let customers = N_CUSTOMERS * scale;
    let mut sized = if scale == 1 {
        String::new()
    } else {
        format!(
            "\nScaled {scale}× for benchmarks: {scale}× the customers, survey respondents, calls, mail forms,\ninterviews and competitor ratings (complaints follow the customers); the same stores,\ncatalogue, months, planted effects and bad rows.\n"
        )
    };
    if n_stores != 12 {
        sized.push_str(&format!(
            "\nWith {n_stores} stores for benchmarks at dealer scale: the twelve below and D0013 … as 门店0013 …\n(weight 1, no effect of their own, spread over the four regions in turn; in the catalogue), sharing\nthe same customers.\n"
        ));
    }
    format!(
        r#"# Demo workspace (generated by `csat demo {args}`)

Do not edit by hand: `csat demo --out data/demo {args}` regenerates every file here
byte for byte (a test checks that it does). Everything is fictional.
{sized}
A furniture chain of 4 regions and {n_stores} stores, {customers} customers in the handbook's four tiers
(忠民, 好顾客, 主力户, 大户), twelve months {FIRST_MONTH} … {LAST_MONTH}.

| file | what it stands for | format |
|---|---|---|
| `raw/wjx_满意度调查_202511-202610.csv` | 问卷星 web survey export, option codes, `-3` = skipped, `(空)` = no comment | GBK CSV, CRLF |
| `raw/电话回访记录.csv` | call-centre follow-up sheet | UTF-8 CSV |
| `raw/邮寄问卷录入.xlsx` | keyed-in paper forms: blanks and `不适用` | XLSX, sheet `录入`, date cells |
| `raw/深入访谈记录.csv` | in-depth interview notes | UTF-8 CSV |
| `raw/竞品对比调查.csv` | market survey rating our brand and two competitors | UTF-8 CSV |
| `raw/投诉登记表.csv` | complaint log | UTF-8 CSV with BOM |
| `raw/顾客档案.csv` | customer file (store, tier, purchases, churn) | UTF-8 CSV with BOM |
| `raw/行业对标.csv` | external benchmarks (industry average, leader) | UTF-8 CSV |
| `raw/持续改进记录表.csv` | improvement actions | UTF-8 CSV |
| `csat.toml` | the workspace configuration | TOML |

## Planted effects (what the analysis should find)
1. **Store drop**: {DROP_STORE} 南京河西店 loses {DROP_SIZE} points (1–5 scale) on every dimension in
   {DROP_MONTH}, through the latent satisfaction of every answer from that store.
2. **Complaints → churn**: yearly churn probability is {c0:.2} without complaints, {c1:.2} when every
   complaint was closed within 3 working days, {c2:.2} when one was closed late and {c3:.2} when one is
   unresolved (about three times the base rate for complainers overall). Churn dates fall 7–120
   days after the first complaint.
3. **Drivers**: overall satisfaction = Σ weight × dimension + noise, with the weights below
   (product and service quality matter most; delivery is important and weakest).
4. **Competitors**: 美居坊 is 0.45 points ahead of us on delivery and 0.10 behind elsewhere;
   家悦汇 is 0.20 behind on everything.
5. **Mode effects**: phone answers are 0.15 points kinder, mail answers 0.10 harsher.
6. **Store baselines**: stores differ by fixed effects between −0.15 (S12) and +0.12 (S08)
   every month, so segment-vs-rest comparisons may show them; nothing else changes from month
   to month.

The drivers model uses the complete answers of the trailing quarter (2026-08 … 2026-10).

| dimension | mean (1–5) | true weight |
|---|---|---|
{dims}

## Rows and answers that are bad on purpose (ingest must reject exactly these)
A bad answer rejects that answer only (the response's other answers count); a bad id, date
or segment rejects the row.

| file | row | rejected | problem |
|---|---|---|---|
| web survey | 序号 401, 5501 | the answer | item 7 (送货准时) = 7 on a 1–5 scale |
| web survey | 序号 1201 | the row | store `苏州园区店` is not in the catalogue |
| web survey | 序号 2301 | the row | submitted `2026/2/30 10:15:00`, not a date |
| phone sheet | 151st call | the row | call time `2026-13-02 09:30`, not a date |
| phone sheet | 901st call | the answer | NPS 11 on a 0–10 scale |
| complaint log | TS00101 | the row | store `无锡惠山店` is not in the catalogue |
| complaint log | TS00201 | the row | closed a year before it was received |
| customer file | M104322 | the row | churn date 2021-05-01 before the first purchase |
"#,
        c0 = CHURN_P[0],
        c1 = CHURN_P[1],
        c2 = CHURN_P[2],
        c3 = CHURN_P[3],
        dims = dims.join("\n"),
    )
}
