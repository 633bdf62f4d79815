//! The sentences and headers that state the complaint commitments (respond within N hours,
//! close within N working or calendar days) in the report's language.

use super::*;

/// The complaint-handling commitments in words, for the tables, charts and findings of a
/// report (`[complaints]`; the handbooks' 24 h / 3 working days by default).
pub struct CommitmentText {
    c: crate::config::Commitments,
    lang: Lang,
}

impl CommitmentText {
    pub fn new(c: crate::config::Commitments, lang: Lang) -> CommitmentText {
        CommitmentText { c, lang }
    }

    fn days(&self) -> (&'static str, &'static str) {
        if self.c.calendar_days {
            ("日", "days")
        } else {
            ("个工作日", "working days")
        }
    }

    /// The header of the closing-time percentiles: "结案 P50/P90 工作日" / "Close P50/P90 wd".
    pub fn close_percentiles_header(&self) -> String {
        match (self.lang, self.c.calendar_days) {
            (Lang::Zh, false) => "结案 P50/P90 工作日".into(),
            (Lang::Zh, true) => "结案 P50/P90 日".into(),
            (Lang::En, false) => "Close P50/P90 wd".into(),
            (Lang::En, true) => "Close P50/P90 d".into(),
        }
    }

    /// The unit of the closing days ("working days").
    pub fn day_unit(&self) -> &'static str {
        match (self.lang, self.c.calendar_days) {
            (Lang::Zh, false) => "工作日",
            (Lang::Zh, true) => "日",
            (Lang::En, false) => "working days",
            (Lang::En, true) => "days",
        }
    }

    /// Column header: "24h 内响应" / "Reply ≤ 24 h".
    pub fn responded_header(&self) -> String {
        let h = amount(self.c.respond_hours);
        match self.lang {
            Lang::Zh => format!("{h}h 内响应"),
            Lang::En => format!("Reply ≤ {h} h"),
        }
    }

    /// Column header: "3 工作日内结案" / "Closed ≤ 3 wd".
    pub fn closed_header(&self) -> String {
        let d = self.c.close_days;
        match (self.lang, self.c.calendar_days) {
            (Lang::Zh, false) => format!("{d} 工作日内结案"),
            (Lang::Zh, true) => format!("{d} 日内结案"),
            (Lang::En, false) => format!("Closed ≤ {d} wd"),
            (Lang::En, true) => format!("Closed ≤ {d} d"),
        }
    }

    /// A chart's commitment line: "承诺：24 小时内" / "commitment: 24 h".
    pub fn respond_line(&self) -> String {
        let h = amount(self.c.respond_hours);
        match self.lang {
            Lang::Zh => format!("承诺：{h} 小时内"),
            Lang::En => format!("commitment: {h} h"),
        }
    }

    /// "承诺：3 个工作日内" / "commitment: 3 working days".
    pub fn close_line(&self) -> String {
        let (zh, en) = self.days();
        let d = self.c.close_days;
        match self.lang {
            Lang::Zh => format!("承诺：{d} {zh}内"),
            Lang::En => format!("commitment: {d} {en}"),
        }
    }

    /// The complaint section's introduction.
    pub fn intro(&self) -> String {
        let h = amount(self.c.respond_hours);
        let (zh, en) = self.days();
        let d = self.c.close_days;
        match self.lang {
            Lang::Zh => format!("本月投诉按类别的帕累托分布与处理时效；承诺为 {h} 小时内首次响应、{d} {zh}内结案。"),
            Lang::En => format!("This month's complaints by category in Pareto order and how fast they were handled; the commitment is a first response within {h} hours and closing within {d} {en}."),
        }
    }

    /// The finding's phrase for the shares: "24 小时内响应 91.5%，3 个工作日内结案 73.2%".
    pub fn shares(&self, responded: Option<f64>, closed: Option<f64>) -> String {
        let h = amount(self.c.respond_hours);
        let (zh, en) = self.days();
        let d = self.c.close_days;
        let mut parts = Vec::new();
        match self.lang {
            Lang::Zh => {
                if let Some(r) = responded {
                    parts.push(format!("{h} 小时内响应 {}", percent(r)));
                }
                if let Some(c) = closed {
                    parts.push(format!("{d} {zh}内结案 {}", percent(c)));
                }
                parts.join("，")
            }
            Lang::En => {
                if let Some(r) = responded {
                    parts.push(format!("{} answered within {h} hours", percent(r)));
                }
                if let Some(c) = closed {
                    parts.push(format!("{} closed within {d} {en}", percent(c)));
                }
                parts.join(", ")
            }
        }
    }
}
