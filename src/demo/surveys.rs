//! The demo's survey exports, each in its platform's real layout: the 问卷星 web survey
//! (GBK CSV), the phone follow-up sheet, the mail survey workbook, the interview notes and
//! the competitor survey.

use super::*;

pub(super) fn answer(rng: &mut Rng, shift: f64, dim_shift: &[f64; 7]) -> Sheet {
    let halo = rng.normal(0.0, 0.3);
    let mut dims = [0.0; 7];
    for (k, (_, mu, _)) in DIMENSIONS.iter().enumerate() {
        dims[k] = mu + shift + dim_shift[k] + halo + rng.normal(0.0, 0.7);
    }
    let mut items = [0.0; 9];
    for (i, d) in ITEM_DIM.iter().enumerate() {
        items[i] = clamp_round(dims[*d] + rng.normal(0.0, 0.3), 1.0, 5.0);
    }
    let latent: f64 = DIMENSIONS
        .iter()
        .zip(dims)
        .map(|((_, _, b), d)| b * d)
        .sum::<f64>()
        + rng.normal(0.0, 0.25);
    let worst_dim = (0..7).min_by(|a, b| dims[*a].total_cmp(&dims[*b])).unwrap();
    Sheet {
        items,
        overall: clamp_round(latent, 1.0, 5.0),
        nps: clamp_round(2.6 * latent - 1.2 + rng.normal(0.0, 1.1), 0.0, 10.0),
        loyalty: clamp_round(0.8 * latent + 0.85 + rng.normal(0.0, 0.5), 1.0, 5.0),
        worst_dim,
    }
}

pub(super) fn comment(rng: &mut Rng, sheet: &Sheet) -> String {
    if sheet.overall <= 3.0 {
        GRIPES[sheet.worst_dim].to_string()
    } else {
        rng.pick(&PRAISE).to_string()
    }
}

pub(super) fn web_survey(rng: &mut Rng, w: &World) -> Result<Vec<u8>, String> {
    let headers = [
        "序号",
        "提交答卷时间",
        "所用时间",
        "来源",
        "来源详情",
        "来自IP",
        "1、您的会员编号",
        "2、您在哪家门店购物？",
        "3、您购买的主要商品类别",
        "4、导购人员热情友好",
        "5、导购人员主动介绍推荐",
        "6、售后回访及时",
        "7、送货准时",
        "8、安装规范整洁",
        "9、商品质量可靠",
        "10、商品与描述一致",
        "11、问题处理专业高效",
        "12、提货交接顺畅",
        "13、总体满意度",
        "14、您向亲友推荐本品牌的可能性有多大？",
        "15、您是否愿意再次在本品牌购买？",
        "16、您对我们还有哪些意见和建议？",
    ];
    let sources = [
        ("手机提交", "微信"),
        ("手机提交", "直接访问"),
        ("电脑提交", "链接"),
    ];
    let cities = [
        "上海", "杭州", "南京", "北京", "天津", "济南", "广州", "深圳", "厦门", "成都", "重庆",
        "昆明",
    ];
    let mut rows = Vec::new();
    let mut n = 0;
    for p in months() {
        let mut batch: Vec<(NaiveDateTime, Vec<String>)> = Vec::new();
        for _ in 0..520 * w.scale {
            let t = random_time_in(rng, p, 8, 23);
            let c = active_customer(rng, &w.customers, t.date());
            let tier_eff = TIERS[c.tier].2;
            let s = answer(
                rng,
                store_shift(&w.stores, c.store, p) + tier_eff,
                &[0.0; 7],
            );
            let (src, detail) = *rng.pick(&sources);
            let mut r = vec![
                String::new(),
                t.format("%Y/%-m/%-d %H:%M:%S").to_string(),
                format!("{}秒", rng.range(60, 600)),
                src.to_string(),
                detail.to_string(),
                format!(
                    "{}.{}.{}.{}({})",
                    rng.range(36, 223),
                    rng.range(0, 255),
                    rng.range(0, 255),
                    rng.range(1, 254),
                    cities[c.store % cities.len()]
                ),
                c.id.clone(),
                w.stores[c.store].zh.clone(),
                rng.pick(&PRODUCT_LINES).to_string(),
            ];
            for (i, x) in s.items.iter().enumerate() {
                // 问卷星 writes -3 for a question the respondent skipped (installation
                // does not apply to every purchase).
                let skipped = (i == 4 && rng.chance(0.08)) || rng.chance(0.01);
                r.push(if skipped { "-3".into() } else { fmt_score(*x) });
            }
            r.push(fmt_score(s.overall));
            r.push(fmt_score(s.nps));
            r.push(fmt_score(s.loyalty));
            r.push(if rng.chance(0.3) {
                comment(rng, &s)
            } else {
                "(空)".into()
            });
            batch.push((t, r));
        }
        batch.sort_by_key(|a| a.0);
        for (_, mut r) in batch {
            n += 1;
            r[0] = n.to_string();
            rows.push(r);
        }
    }
    // Planted bad rows (documented in README.md): two out-of-range scores, an unknown
    // store, an impossible date.
    rows[400][12] = "7".into();
    rows[5500][12] = "7".into();
    rows[1200][7] = "苏州园区店".into();
    rows[2300][1] = "2026/2/30 10:15:00".into();
    gbk(csv_bytes(&headers, &rows, true))
}

pub(super) fn phone_sheet(rng: &mut Rng, w: &World) -> Vec<u8> {
    let headers = [
        "回访编号",
        "会员编号",
        "回访时间",
        "回访专员",
        "售后回访及时",
        "送货准时",
        "安装规范",
        "问题处理",
        "总体满意度",
        "推荐意愿(0-10)",
        "备注",
    ];
    let mut rows = Vec::new();
    let mut n = 0;
    for p in months() {
        let mut batch = Vec::new();
        for _ in 0..120 * w.scale {
            let t = random_time_in(rng, p, 9, 18);
            let c = active_customer(rng, &w.customers, t.date());
            // Mode effect: people are kinder to a voice on the phone.
            let s = answer(
                rng,
                store_shift(&w.stores, c.store, p) + TIERS[c.tier].2 + 0.15,
                &[0.0; 7],
            );
            let note = if s.overall <= 2.0 {
                comment(rng, &s)
            } else {
                String::new()
            };
            batch.push((
                t,
                vec![
                    String::new(),
                    c.id.clone(),
                    t.format("%Y/%m/%d %H:%M").to_string(),
                    rng.pick(&AGENTS).to_string(),
                    fmt_score(s.items[2]),
                    fmt_score(s.items[3]),
                    fmt_score(s.items[4]),
                    fmt_score(s.items[7]),
                    fmt_score(s.overall),
                    fmt_score(s.nps),
                    note,
                ],
            ));
        }
        batch.sort_by_key(|a| a.0);
        for (t, mut r) in batch {
            n += 1;
            r[0] = format!("HF{}{:04}", t.format("%Y%m"), n);
            rows.push(r);
        }
    }
    rows[150][2] = "2026-13-02 09:30".into();
    rows[900][9] = "11".into();
    csv_bytes(&headers, &rows, false)
}

pub(super) fn mail_workbook(rng: &mut Rng, w: &World) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let headers = [
        "问卷编号",
        "会员编号",
        "回寄日期",
        "Q1热情友好",
        "Q2主动推荐",
        "Q4送货准时",
        "Q6质量可靠",
        "Q8问题处理",
        "Q10总体满意",
        "Q11推荐意愿",
        "Q12再次购买",
    ];
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 11, 1).map_err(e)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_author("质量部"),
    );
    let ws = wb.add_worksheet();
    ws.set_name("录入").map_err(e)?;
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).map_err(e)?;
    }
    let mut row = 1u32;
    for p in months() {
        for _ in 0..25 * w.scale {
            let t = random_time_in(rng, p, 0, 24);
            let c = active_customer(rng, &w.customers, t.date());
            let s = answer(
                rng,
                store_shift(&w.stores, c.store, p) + TIERS[c.tier].2 - 0.10,
                &[0.0; 7],
            );
            ws.write_string(row, 0, format!("YJ{}{:03}", t.format("%y%m"), row))
                .map_err(e)?;
            ws.write_string(row, 1, &c.id).map_err(e)?;
            let d = t.date();
            let xd = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                .map_err(e)?;
            ws.write_datetime_with_format(row, 2, &xd, &date_fmt)
                .map_err(e)?;
            let vals = [
                s.items[0], s.items[1], s.items[3], s.items[5], s.items[7], s.overall, s.nps,
                s.loyalty,
            ];
            for (k, v) in vals.iter().enumerate() {
                // Paper forms come back with many blanks and the odd "不适用".
                if rng.chance(0.15) {
                    continue;
                }
                if rng.chance(0.03) {
                    ws.write_string(row, 3 + k as u16, "不适用").map_err(e)?;
                } else {
                    ws.write_number(row, 3 + k as u16, *v).map_err(e)?;
                }
            }
            row += 1;
        }
    }
    wb.save_to_buffer().map_err(e)
}

pub(super) fn interviews(rng: &mut Rng, w: &World) -> Vec<u8> {
    let headers = [
        "访谈编号",
        "会员编号",
        "访谈日期",
        "访谈员",
        "门店",
        "总体满意度",
        "再次购买意愿",
        "访谈纪要",
    ];
    let notes = [
        "顾客对整体购物体验满意，重点提到导购专业、样品丰富；建议增加周末送货时段。",
        "顾客反映送货延误两次，每次都需要自己打电话催问；对商品质量本身比较认可。",
        "大户客户，整屋定制。认为设计方案好，但安装团队之间衔接不畅，工期拖了一周。",
        "顾客曾投诉沙发色差，门店先行赔付后更换，处理结果满意，表示会继续购买。",
        "顾客觉得价格偏高，但售后回访及时，问题处理专业，愿意推荐给朋友。",
    ];
    let mut rows = Vec::new();
    let mut n = 0;
    for p in months() {
        for _ in 0..4 * w.scale {
            n += 1;
            let t = random_time_in(rng, p, 10, 17);
            let c = active_customer(rng, &w.customers, t.date());
            let s = answer(
                rng,
                store_shift(&w.stores, c.store, p) + TIERS[c.tier].2,
                &[0.0; 7],
            );
            rows.push(vec![
                format!("FT{:03}", n),
                c.id.clone(),
                t.format("%Y-%m-%d").to_string(),
                rng.pick(&INTERVIEWERS).to_string(),
                w.stores[c.store].zh.clone(),
                fmt_score(s.overall),
                fmt_score(s.loyalty),
                rng.pick(&notes).to_string(),
            ]);
        }
    }
    csv_bytes(&headers, &rows, false)
}

pub(super) fn competitor_survey(rng: &mut Rng, scale: usize) -> Vec<u8> {
    let headers = [
        "调查编号",
        "调查日期",
        "品牌",
        "热情友好",
        "送货准时",
        "质量可靠",
        "问题处理",
        "提货交接",
        "总体满意度",
    ];
    let mut rows = Vec::new();
    let mut n = 0;
    for p in months() {
        for (brand, shift) in &COMPETITORS {
            for _ in 0..120 * scale {
                n += 1;
                let t = random_time_in(rng, p, 9, 21);
                let s = answer(rng, 0.0, shift);
                rows.push(vec![
                    format!("JP{:05}", n),
                    t.format("%Y-%m-%d").to_string(),
                    brand.to_string(),
                    fmt_score(s.items[0]),
                    fmt_score(s.items[3]),
                    fmt_score(s.items[5]),
                    fmt_score(s.items[7]),
                    fmt_score(s.items[8]),
                    fmt_score(s.overall),
                ]);
            }
        }
    }
    csv_bytes(&headers, &rows, false)
}
