//! The report sections built here: satisfaction and NPS, the data and its quality, the
//! improvement actions, and the appendix notes (the others are in `render/sections.rs`).

use super::*;

/// The survey's sections: satisfaction and CSI, NPS and loyalty (when the questionnaire has
/// an NPS or loyalty item, or there is a customer file), and segments.
pub(super) fn survey_sections(
    inp: &Inputs,
    charts: &[(String, AnyChart)],
    sat: &[SatCell],
    nps: &[NpsCell],
) -> Vec<Section> {
    let (cfg, lang) = (inp.cfg, inp.lang);
    let item = overall_item(cfg);
    let mut seg_tables = Vec::new();
    for seg in cfg.available_segments().filter(|s| s.as_str() != "channel") {
        seg_tables.extend(sat_table(inp, sat, seg, &item.id));
    }
    let mut nps_tables = Vec::new();
    for seg in std::iter::once("all").chain(
        cfg.available_segments()
            .filter(|s| s.as_str() != "channel" || cfg.survey_channels() > 1)
            .map(String::as_str),
    ) {
        nps_tables.extend(nps_table(inp, nps, seg));
    }
    nps_tables.extend(loyalty_table(inp));
    let has_nps = cfg
        .items_with_role(crate::config::Role::Nps)
        .next()
        .is_some();
    let has_loyalty = cfg
        .items_with_role(crate::config::Role::Loyalty)
        .next()
        .is_some()
        || cfg.has_kind(crate::schema::SourceKind::Customers);
    let mut out = vec![Section {
        title: Msg::SatisfactionSection.text(lang).into(),
        intro: Some(Msg::TrendIntro.text(lang).into()),
        charts: chart_refs(charts, &["trend_overall", "trend_csi"]),
        tables: vec![items_table(inp, sat)],
        notes: Vec::new(),
    }];
    if has_nps || has_loyalty {
        out.push(Section {
            title: Msg::NpsSection.text(lang).into(),
            intro: Some(Msg::NpsIntro.text(lang).into()),
            charts: chart_refs(charts, &["nps_by_region", "nps_by_store"]),
            tables: nps_tables,
            notes: Vec::new(),
        });
    }
    let mut seg_charts = vec![
        "satisfaction_by_region".to_string(),
        "satisfaction_by_store".to_string(),
        "satisfaction_by_tier".to_string(),
    ];
    seg_charts.extend(
        cfg.custom_segments()
            .map(|f| format!("satisfaction_by_{}", f.id)),
    );
    let seg_charts: Vec<&str> = seg_charts.iter().map(String::as_str).collect();
    out.push(Section {
        title: Msg::SegmentsSection.text(lang).into(),
        intro: Some(Msg::SegmentsIntro.text(lang).into()),
        charts: chart_refs(charts, &seg_charts),
        tables: seg_tables,
        notes: vec![Msg::SuppressedNote.text(lang).into()],
    });
    out
}

pub(super) fn data_section(inp: &Inputs) -> Result<Section, RenderError> {
    let lang = inp.lang;
    let mut tables = Vec::new();
    let mut file_notes = Vec::new();
    if let Some(l) = inp.ledger {
        // What the ledger says of a file (superseded rows, a copy, an assumed time zone).
        let (files, notes) = (
            frame::strs(l, "file").map_err(col_err)?,
            frame::strs(l, "note").unwrap_or_else(|_| vec![None; l.height()]),
        );
        for (f, n) in files.iter().zip(notes) {
            if let (Some(f), Some(n)) = (f, n.filter(|n| !n.is_empty())) {
                file_notes.push(format!("{f}: {n}"));
            }
        }
        let s = |n| frame::strs(l, n).map_err(col_err);
        let f = |n| frame::f64s(l, n).map_err(col_err);
        let (src, file, enc) = (s("source")?, s("file")?, s("encoding")?);
        let (read, acc, rej) = (f("rows_read")?, f("accepted")?, f("rejected")?);
        // Ledgers written before answer-level rejects have no such column: none then.
        let ans = f("answers_rejected").unwrap_or_else(|_| vec![None; l.height()]);
        let n = |x: Option<f64>| i18n::count(x.unwrap_or(0.0) as usize);
        tables.push(Table {
            caption: None,
            header: vec![
                Msg::Source.text(lang).into(),
                Msg::File.text(lang).into(),
                Msg::Encoding.text(lang).into(),
                Msg::RowsRead.text(lang).into(),
                Msg::Accepted.text(lang).into(),
                Msg::Rejected.text(lang).into(),
                Msg::AnswersRejected.text(lang).into(),
            ],
            align: vec!["left", "left", "left", "right", "right", "right", "right"],
            rows: (0..l.height())
                .map(|i| {
                    vec![
                        src[i].clone().unwrap_or_default(),
                        file[i].clone().unwrap_or_default(),
                        enc[i].clone().unwrap_or_default(),
                        n(read[i]),
                        n(acc[i]),
                        n(rej[i]),
                        n(ans[i]),
                    ]
                })
                .collect(),
            muted: vec![false; l.height()],
        });
    }
    if let Some(r) = inp.rejects.filter(|r| r.height() > 0) {
        let s = |n| frame::strs(r, n).map_err(col_err);
        let (src, line, col, val) = (s("source")?, s("line")?, s("column")?, s("value")?);
        let (code, why) = (s("code")?, s("reason")?);
        let level = s("level").unwrap_or_else(|_| vec![None; r.height()]);
        let shown = r.height().min(40);
        tables.push(Table {
            caption: Some(Msg::RejectReasons.text(lang).to_string()),
            header: vec![
                Msg::Source.text(lang).into(),
                Msg::Line.text(lang).into(),
                Msg::Cell.text(lang).into(),
                Msg::Reason.text(lang).into(),
            ],
            align: vec!["left", "right", "left", "left"],
            rows: (0..shown)
                .map(|i| {
                    let v = val[i].clone().unwrap_or_default();
                    let mut label = i18n::reject_reason(code[i].as_deref().unwrap_or(""), lang);
                    if level[i].as_deref() == Some("answer") {
                        label.push_str(Msg::AnswerLevel.text(lang));
                    }
                    vec![
                        src[i].clone().unwrap_or_default(),
                        line[i].clone().unwrap_or_default(),
                        format!(
                            "{} = “{}”",
                            col[i].clone().unwrap_or_default(),
                            v.chars().take(30).collect::<String>()
                        ),
                        // The detail text is English; Chinese reports show the translated code.
                        match lang {
                            Lang::Zh => label,
                            Lang::En => format!("{label}: {}", why[i].clone().unwrap_or_default()),
                        },
                    ]
                })
                .collect(),
            muted: vec![false; shown],
        });
    }
    tables.extend(suppressed_table(inp, &sat_of(inp)?));
    let mut notes = appendix_notes(inp);
    if let Some((t, note)) = super::plan::plan_table(inp) {
        tables.push(t);
        notes.push(note);
    }
    Ok(Section {
        title: Msg::DataSection.text(lang).into(),
        intro: Some(Msg::DataIntro.text(lang).into()),
        charts: Vec::new(),
        tables,
        notes: notes.into_iter().chain(file_notes).collect(),
    })
}

/// The appendix's notes on methods, each only where it applies (no calendar note without
/// complaints, no weighting note without a survey), then the analysis' own notes.
pub(super) fn appendix_notes(inp: &Inputs) -> Vec<String> {
    let (cfg, lang) = (inp.cfg, inp.lang);
    let survey = cfg.has_survey();
    let mut notes = vec![format!(
        "{}{:.0}%{}",
        Msg::ConfidenceNote.text(lang),
        cfg.confidence * 100.0,
        i18n::paren(&format!("min n = {}", cfg.min_n), lang)
    )];
    if survey {
        notes.push(Msg::MethodsNote.text(lang).to_string());
        notes.push(Msg::Definitions.text(lang).to_string());
        notes.push(if cfg.weighting.is_some() {
            Msg::WeightingRaked.text(lang).to_string()
        } else {
            Msg::WeightingNone.text(lang).to_string()
        });
    }
    if cfg.has_kind(crate::schema::SourceKind::Complaints) {
        notes.push(Msg::CalendarNote.text(lang).to_string());
    }
    if survey {
        notes.push(Msg::SuppressedNote.text(lang).to_string());
    }
    if survey && short_scales(cfg) {
        notes.push(Msg::TopBoxNote.text(lang).to_string());
    }
    notes.extend(inp.notes.iter().cloned());
    notes
}

/// The improvement actions: each action with its target measure before and after (see the
/// actions mart), open actions with their baseline, and the chart of closed ones.
/// An improvement action's state as the report says it (open, too early to tell, closed, …).
pub(super) fn action_state(r: &mart::Action, lang: Lang) -> String {
    let t = |m: Msg| m.text(lang).to_string();
    match r.status_note.as_deref().unwrap_or_default() {
        "open" => t(Msg::StatusOpen),
        "too_early" => t(Msg::StatusTooEarly),
        "no_data_before" => t(Msg::StatusNoBefore),
        "no_data_after" => t(Msg::StatusNoAfter),
        "not_a_survey_measure" => t(Msg::StatusNotSurvey),
        _ if r.status == "closed" => t(Msg::StatusClosed),
        _ => t(Msg::StatusOpen),
    }
}

pub(super) fn actions_section(inp: &Inputs, charts: &[(String, AnyChart)]) -> Option<Section> {
    let actions = inp.marts.actions.as_ref()?;
    let (cfg, lang) = (inp.cfg, inp.lang);
    let t = |m: Msg| m.text(lang).to_string();
    let rows: Vec<Vec<String>> = actions
        .iter()
        .map(|r| {
            let scope = match r.store.as_deref().filter(|s| !s.is_empty()) {
                None => String::new(),
                Some(s) => i18n::paren(cfg.segment_label("store", s, lang), lang),
            };
            let state = action_state(r, lang);
            let m = &r.measure;
            let target =
                if cfg.item(m).is_some() || m == "csi" || cfg.dimensions.iter().any(|x| &x.id == m)
                {
                    measure_name(cfg, m, lang)
                } else {
                    m.clone()
                };
            vec![
                format!("{} {}{} · {}", r.action_id, r.title, scope, target),
                r.owner.clone().unwrap_or_default(),
                format!(
                    "{} – {}",
                    r.opened.as_deref().unwrap_or_default(),
                    r.closed.as_deref().filter(|c| !c.is_empty()).unwrap_or("…")
                ),
                opt(r.before_mean, 2),
                opt(r.after_mean, 2),
                match r.diff {
                    Some(v) => format!(
                        "{} {}",
                        i18n::signed_plus(v, 2),
                        ci_text(r.diff_ci_low.zip(r.diff_ci_high), 2)
                    ),
                    None => "—".into(),
                },
                r.p_value.map(i18n::pvalue).unwrap_or_else(|| "—".into()),
                state,
            ]
        })
        .collect();
    Some(Section {
        title: t(Msg::ActionsSection),
        intro: Some(t(Msg::ActionsIntro)),
        charts: chart_refs(charts, &["actions"]),
        tables: vec![Table {
            caption: None,
            header: vec![
                format!("{} · {}", t(Msg::Action), t(Msg::Measure)),
                t(Msg::Owner),
                format!("{}–{}", t(Msg::Opened), t(Msg::Closed)),
                t(Msg::Before),
                t(Msg::After),
                format!("{} ({})", t(Msg::Change), t(Msg::Ci)),
                t(Msg::PValue),
                t(Msg::Status),
            ],
            // The dates are short: right-aligned columns take their natural width, leaving
            // the room to the action's description.
            align: vec![
                "left", "left", "right", "right", "right", "right", "right", "left",
            ],
            muted: vec![false; rows.len()],
            rows,
        }],
        notes: vec![t(Msg::ActionsFootnote)],
    })
}
