//! The message catalogue: every label, heading and sentence of charts and reports in
//! Chinese and English, in one place. A `match` over [`Msg`] makes a missing translation a
//! compile error rather than a blank in a report.

use crate::config::Lang;

mod commitments;
mod numbers;
mod plan;
mod scorecard;
pub use commitments::*;
pub use numbers::*;
pub use plan::*;
pub use scorecard::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    ReportTitle,
    Period,
    DataAsOf,
    GeneratedOn,
    Contents,
    Headlines,
    Findings,
    SatisfactionSection,
    NpsSection,
    NpsIntro,
    DataSection,
    DataIntro,
    Segment,
    Value,
    Measure,
    N,
    Mean,
    Ci,
    Top2Box,
    TopBox,
    TopBoxNote,
    Index,
    Nps,
    Promoters,
    Passives,
    Detractors,
    Suppressed,
    SuppressedNote,
    CompanyAverage,
    NoData,
    Source,
    File,
    RowsRead,
    Accepted,
    Rejected,
    ChurnModelTable,
    Term,
    Coefficient,
    StdError,
    OddsRatio,
    TermIntercept,
    TermComplained,
    TermComplaints,
    TermClosedLate,
    TermSevere,
    TermTenure,
    TermSatisfaction,
    TermValue,
    HazardTable,
    HazardRatio,
    PhTest,
    TermComplainedSince,
    TermOpen,
    TermClosedInTime,
    TermClosedLateSince,
    GroupAfter,
    RetentionTable,
    ChartRetentionTitle,
    RetentionSection,
    RetentionIntro,
    HeadlineComplaints,
    HeadlineChurn,
    Disputed,
    ResponseNotRecorded,
    CloseNotRecorded,
    AnswersRejected,
    AnswerLevel,
    Encoding,
    RejectReasons,
    Line,
    Cell,
    Reason,
    MethodsNote,
    HeadlineOverall,
    HeadlineNps,
    HeadlineResponses,
    HeadlineLowRegion,
    HeadlineRegions,
    NoRegionDiffers,
    RegionsCompared,
    VsRest,
    AllCustomers,
    Region,
    Store,
    Tier,
    Channel,
    ProductLine,
    ChartQuadrantTitle,
    ChartSurvivalTitle,
    ChartSimonMakuchTitle,
    Days,
    Retention,
    ChartParetoTitle,
    TrendIntro,
    ChartTrendTitle,
    CenterLine,
    BenchmarkSection,
    BenchmarkIntro,
    DriversSection,
    DriversIntro,
    ComplaintsSection,
    ChurnSection,
    ChurnIntro,
    ChannelsSection,
    ChannelsSatTable,
    ChannelsIntro,
    Brand,
    Gap,
    GapCi,
    QValue,
    Rank,
    Importance,
    Correlation,
    Performance,
    Quadrant,
    FixFirst,
    KeepUp,
    LowPriority,
    PossibleOverkill,
    Category,
    Count,
    Share,
    CumShare,
    Response,
    Group,
    Customers,
    Churned,
    ChurnRate,
    RelativeRisk,
    PValue,
    GroupNone,
    GroupAny,
    GroupWithin,
    GroupLate,
    GroupUnresolved,
    Invitations,
    ResponseRate,
    DiffVsReference,
    ModelFit,
    SignificanceFootnote,
    ChartTrendOverallTitle,
    ChartGapTitle,
    GapAxis,
    Ours,
    ExternalReference,
    IndexPoints,
    GapFootnote,
    ChartTimesTitle,
    FirstResponseHours,
    ResolutionDays,
    Hours,
    NoResponse,
    NotClosed,
    Met,
    ChartChannelsTitle,
    Mix,
    ChartActionsTitle,
    ActionsAxis,
    NoChange,
    NoClosedActions,
    ActionsFootnote,
    ActionsSection,
    ActionsIntro,
    Action,
    Owner,
    Opened,
    Closed,
    Before,
    After,
    Change,
    Status,
    StatusOpen,
    StatusClosed,
    StatusTooEarly,
    StatusNoBefore,
    StatusNoAfter,
    StatusNotSurvey,
    SegmentsSection,
    SegmentsIntro,
    LoyaltyTable,
    SuppressedCells,
    LoyaltyIndex,
    ConfidenceNote,
    WeightingNone,
    WeightingRaked,
    CalendarNote,
    Definitions,
}

impl Msg {
    pub fn text(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Msg::ReportTitle => ("顾客满意度月度分析报告", "Monthly Customer Satisfaction Report"),
            Msg::Period => ("报告期", "Period"),
            Msg::DataAsOf => ("数据截至", "Data as of"),
            Msg::GeneratedOn => ("生成日期", "Generated on"),
            Msg::Contents => ("目录", "Contents"),
            Msg::Headlines => ("要点", "Headlines"),
            Msg::Findings => ("主要发现", "Key findings"),
            Msg::SatisfactionSection => ("满意度", "Satisfaction"),
            Msg::NpsSection => ("净推荐值（NPS）", "Net Promoter Score (NPS)"),
            Msg::NpsIntro => (
                "NPS = 推荐者占比 − 贬损者占比（0–10 分题，9–10 分为推荐者，0–6 分为贬损者），区间为 95% 置信区间。",
                "NPS = share of promoters − share of detractors (0–10 item; 9–10 promoters, 0–6 detractors), with its 95% confidence interval.",
            ),
            Msg::DataSection => ("附录：数据与方法", "Appendix: data and methods"),
            Msg::DataIntro => (
                "本期读取的全部数据源及行数核对（读取 = 接收 + 拒收）。",
                "Every source read, with its row accounting (read = accepted + rejected).",
            ),
            Msg::Segment => ("维度", "Segment"),
            Msg::Value => ("分组", "Group"),
            Msg::Measure => ("指标", "Measure"),
            Msg::N => ("样本量", "n"),
            Msg::Mean => ("均值", "Mean"),
            Msg::Ci => ("95% 置信区间", "95% CI"),
            Msg::Top2Box => ("满意率（前两档）", "Top-2-box"),
            Msg::TopBox => ("满意率（顶端）", "Top box"),
            Msg::TopBoxNote => ("满意率：五点及以上量表为最高两档之和；较短的量表（如“是/否”）为最高一档，即“是”的比例。", "Top box: the top two points of a scale of five points or more; on a shorter scale (such as yes/no) the top point, i.e. the share yes."),
            Msg::Index => ("指数（0–100）", "Index (0–100)"),
            Msg::Nps => ("NPS", "NPS"),
            Msg::Promoters => ("推荐者", "Promoters"),
            Msg::Passives => ("中立者", "Passives"),
            Msg::Detractors => ("贬损者", "Detractors"),
            Msg::Suppressed => ("样本不足", "n too small"),
            Msg::SuppressedNote => (
                "标注“样本不足”的分组样本量低于最小样本量，其数值仅供参考，不宜下结论。",
                "Groups marked \"n too small\" have fewer answers than the minimum; their figures are shown for reference only.",
            ),
            Msg::CompanyAverage => ("全公司", "Company"),
            Msg::NoData => ("本期无数据", "No data this period"),
            Msg::Source => ("数据源", "Source"),
            Msg::File => ("文件", "File"),
            Msg::RowsRead => ("读取", "Read"),
            Msg::Accepted => ("接收", "Accepted"),
            Msg::Rejected => ("拒收", "Rejected"),
            Msg::ChurnModelTable => ("流失的 logistic 回归", "Logistic regression of churn"),
            Msg::Term => ("变量", "Term"),
            Msg::Coefficient => ("系数", "Coefficient"),
            Msg::StdError => ("标准误", "SE"),
            Msg::OddsRatio => ("优势比", "Odds ratio"),
            Msg::TermIntercept => ("截距", "Intercept"),
            Msg::TermComplained => ("曾投诉", "Complained"),
            Msg::TermComplaints => ("投诉次数", "Number of complaints"),
            Msg::TermClosedLate => ("超时或未结案", "Closed late or unresolved"),
            Msg::TermSevere => ("重大投诉", "Major complaint"),
            Msg::TermTenure => ("顾客年限（年）", "Tenure (years)"),
            Msg::TermSatisfaction => ("总体满意度（顾客平均）", "Overall satisfaction (customer mean)"),
            Msg::TermValue => ("累计消费金额", "Customer value"),
            Msg::HazardTable => ("投诉后的流失风险（Cox 比例风险模型，投诉为随时间变化的暴露）", "Churn hazard after a complaint (Cox proportional hazards, the complaint a time-varying exposure)"),
            Msg::HazardRatio => ("风险比", "Hazard ratio"),
            Msg::PhTest => ("比例风险检验 p", "PH test p"),
            Msg::TermComplainedSince => ("已投诉（自首次投诉之日）", "Complained (from the first complaint)"),
            Msg::TermOpen => ("投诉处理中（自受理之日至结案）", "Complaint open (from receipt to closing)"),
            Msg::TermClosedInTime => ("按时结案（自结案之日）", "Closed in time (from closing)"),
            Msg::TermClosedLateSince => ("超时结案（自结案之日）", "Closed late (from closing)"),
            Msg::GroupAfter => ("投诉后", "After a complaint"),
            Msg::RetentionTable => ("流失率（顾客档案）", "Churn (customer file)"),
            Msg::ChartRetentionTitle => ("顾客留存（Kaplan–Meier）", "Customer retention (Kaplan–Meier)"),
            Msg::RetentionSection => ("顾客保留与流失", "Customer retention and churn"),
            Msg::RetentionIntro => ("顾客档案中近十二个月的流失率与保留率（按区域、门店与等级），以及保留曲线（Kaplan–Meier）。", "Churn and retention in the customer file over the last twelve months, by region, store and tier, and the retention curve (Kaplan–Meier)."),
            Msg::HeadlineComplaints => ("本月投诉", "Complaints this month"),
            Msg::HeadlineChurn => ("顾客流失率", "Customer churn"),
            Msg::Disputed => ("顾客有异议", "Disputed"),
            Msg::ResponseNotRecorded => ("投诉记录未登记首次响应时间或是否及时响应，按时响应率不可用。", "The complaint log records no first-response time or timely-response flag: the share answered in time is not available."),
            Msg::CloseNotRecorded => ("投诉记录未登记结案时间，按时结案率与未结案数不可用。", "The complaint log records no close time: the share closed in time and the open complaints are not available."),
            Msg::AnswersRejected => ("拒收答案", "Answers rejected"),
            Msg::AnswerLevel => ("（仅此答案）", " (this answer only)"),
            Msg::Encoding => ("编码", "Encoding"),
            Msg::RejectReasons => ("拒收明细", "Rejected rows and answers"),
            Msg::Line => ("行号", "Line"),
            Msg::Cell => ("列与取值", "Column and value"),
            Msg::Reason => ("原因", "Reason"),
            Msg::MethodsNote => (
                "均值区间按 Student t 分布计算；满意率区间按 Wilson 法；NPS 方差为 100²·[p(1−p)+d(1−d)+2pd]/n。竞品调查中的本品牌样本不计入本品牌满意度。",
                "Mean intervals use Student's t; top-2-box intervals use Wilson's method; NPS variance is 100²·[p(1−p)+d(1−d)+2pd]/n. Our brand's answers in the competitor survey are not counted in our own satisfaction.",
            ),
            Msg::HeadlineOverall => ("总体满意度", "Overall satisfaction"),
            Msg::HeadlineNps => ("净推荐值", "Net Promoter Score"),
            Msg::HeadlineResponses => ("有效问卷", "Responses"),
            Msg::HeadlineLowRegion => ("满意度显著偏低的区域", "Region significantly below the rest"),
            Msg::HeadlineRegions => ("区域满意度", "Satisfaction by region"),
            Msg::NoRegionDiffers => ("无显著差异", "No region differs"),
            Msg::RegionsCompared => ("个区域与其余相比均无显著差异", "regions, none significantly different from the rest"),
            Msg::VsRest => ("比其余", "vs the rest"),
            Msg::AllCustomers => ("全部顾客", "All customers"),
            Msg::Region => ("区域", "Region"),
            Msg::Store => ("门店", "Store"),
            Msg::Tier => ("会员等级", "Tier"),
            Msg::Channel => ("调查渠道", "Channel"),
            Msg::ProductLine => ("商品类别", "Product line"),
            Msg::ChartQuadrantTitle => ("重要性—表现四象限（IPA）", "Importance–performance quadrants (IPA)"),
            Msg::ChartSurvivalTitle => ("按是否投诉的顾客留存（Kaplan–Meier，自随访开始分组）", "Customer retention by complaint (Kaplan–Meier, grouped from the start of follow-up)"),
            Msg::ChartSimonMakuchTitle => ("投诉前后的顾客留存（Simon–Makuch）", "Customer retention before and after a complaint (Simon–Makuch)"),
            Msg::Days => ("天（近十二个月）", "Days (last twelve months)"),
            Msg::Retention => ("留存率", "Retained"),
            Msg::ChartParetoTitle => ("本月投诉类别帕累托图", "Complaints by category (Pareto)"),
            Msg::TrendIntro => ("近 13 个月（有数据的月份）全公司总体满意度与顾客满意度指数（CSI）的均值控制图：点为月度均值，浅色带为其 95% 置信区间，短横线为各月 ±3σ/√n 控制限（随样本量变化），虚线为中心线，红点为超出控制限的月份。", "Overall satisfaction and the satisfaction index (CSI) of the company over the last 13 months with data, on mean (X-bar) charts: monthly means, their 95% confidence interval as a band, each month's ±3σ/√n control limits (they vary with n), the centre line dashed, months outside their limits in red."),
            Msg::ChartTrendTitle => ("顾客满意度指数（CSI）月度趋势", "Satisfaction index (CSI) by month"),
            Msg::CenterLine => ("中心线", "Centre"),
            Msg::BenchmarkSection => ("竞品对标", "Competitors and benchmarks"),
            Msg::BenchmarkIntro => ("竞品调查中各品牌的评分及与本品牌的差距（正值表示对手领先），并列出行业参照值与本品牌调查结果的差距。", "Each brand's score in the competitor survey and its gap to ours (positive: the competitor leads), and external references against our own survey."),
            Msg::DriversSection => ("关键驱动因素", "Key drivers"),
            Msg::DriversIntro => ("各维度对总体满意度的相对重要性（Johnson 相对权重，占 R² 的百分比，近一个季度的完整答卷）与表现（0–100 指数）。", "Each dimension's relative importance for overall satisfaction (Johnson's relative weights, % of R², complete answers of the last quarter) and its performance (0–100 index)."),
            Msg::ComplaintsSection => ("投诉处理", "Complaint handling"),
            Msg::ChurnSection => ("投诉与流失", "Complaints and churn"),
            Msg::ChurnIntro => ("近十二个月各投诉处理结果组的顾客流失率，与未投诉顾客对比（相对风险；优势比见 complaint_churn 数据表）。只计流失之前受理的投诉。", "Churn over the last twelve months by complaint outcome, against customers who did not complain (relative risk; the odds ratios are in the complaint_churn mart). Only complaints received before churning count."),
            Msg::ChannelsSection => ("调查渠道", "Survey channels"),
            Msg::ChannelsSatTable => ("各调查渠道的总体满意度", "Overall satisfaction by survey channel"),
            Msg::ChannelsIntro => ("各渠道的回收量、回收率与总体满意度；与参照渠道（网络问卷）的差异反映调查方式效应。", "Responses, response rate and overall satisfaction by channel; the difference to the reference channel (web) shows the mode effect."),
            Msg::Brand => ("品牌", "Brand"),
            Msg::Gap => ("差距", "Gap"),
            Msg::GapCi => ("差距 95% 置信区间", "Gap 95% CI"),
            Msg::QValue => ("q 值", "q"),
            Msg::Rank => ("排名", "Rank"),
            Msg::Importance => ("重要性（% R²）", "Importance (% of R²)"),
            Msg::Correlation => ("相关系数 r", "r"),
            Msg::Performance => ("表现（0–100）", "Performance (0–100)"),
            Msg::Quadrant => ("象限", "Quadrant"),
            Msg::FixFirst => ("优先改进", "Fix first"),
            Msg::KeepUp => ("保持优势", "Keep up"),
            Msg::LowPriority => ("次要", "Low priority"),
            Msg::PossibleOverkill => ("可能过度投入", "Possible overkill"),
            Msg::Category => ("类别", "Category"),
            Msg::Count => ("件数", "Count"),
            Msg::Share => ("占比", "Share"),
            Msg::CumShare => ("累计占比", "Cumulative"),
            Msg::Response => ("响应 P50/P90 小时", "Reply P50/P90 h"),
            Msg::Group => ("组别", "Group"),
            Msg::Customers => ("顾客数", "Customers"),
            Msg::Churned => ("流失", "Churned"),
            Msg::ChurnRate => ("流失率", "Churn rate"),
            Msg::RelativeRisk => ("相对风险", "Relative risk"),
            Msg::PValue => ("p 值", "p"),
            Msg::GroupNone => ("未投诉", "No complaint"),
            Msg::GroupAny => ("有投诉", "Complained"),
            Msg::GroupWithin => ("按承诺结案", "Closed within commitment"),
            Msg::GroupLate => ("超时结案", "Closed late"),
            Msg::GroupUnresolved => ("未解决", "Unresolved"),
            Msg::Invitations => ("邀请数", "Invitations"),
            Msg::ResponseRate => ("回收率", "Response rate"),
            Msg::DiffVsReference => ("与参照渠道差异", "Difference vs reference"),
            Msg::ModelFit => ("模型", "Model"),
            Msg::SignificanceFootnote => ("红色/绿色：较上月显著下降/上升（BH 校正后 q < 0.05），旁注变化与 q 值；灰色：样本不足。", "Red/green: significant drop/rise vs last month (BH-adjusted q < 0.05), with the change and q; grey: n too small."),
            Msg::ChartTrendOverallTitle => ("总体满意度月度趋势（均值控制图）", "Overall satisfaction by month (mean control chart)"),
            Msg::ChartGapTitle => ("竞品差距（对手 − 本品牌）", "Competitor gaps (competitor − us)"),
            Msg::GapAxis => ("差距（分），正值表示对手领先", "Gap (points); positive: the competitor leads"),
            Msg::Ours => ("本品牌", "Us"),
            Msg::ExternalReference => ("外部参照值", "external reference"),
            Msg::IndexPoints => ("（0–100 指数）", "(0–100 index)"),
            Msg::GapFootnote => ("红色：对手显著领先；绿色：本品牌显著领先（q < 0.05）；无区间者为外部参照值减本品牌调查均值。", "Red: competitor significantly ahead; green: we are significantly ahead (q < 0.05); rows without an interval are external references minus our survey mean."),
            Msg::ChartTimesTitle => ("投诉处理时长与承诺", "Complaint handling times against the commitments"),
            Msg::FirstResponseHours => ("首次响应时长", "Time to first response"),
            Msg::ResolutionDays => ("结案时长", "Time to close"),
            Msg::Hours => ("小时（区间起点）", "hours (bar start)"),
            Msg::NoResponse => ("未响应", "no reply"),
            Msg::NotClosed => ("未结案", "not closed"),
            Msg::Met => ("达成", "met"),
            Msg::ChartChannelsTitle => ("调查渠道构成与各渠道总体满意度", "Survey channel mix and overall satisfaction by channel"),
            Msg::Mix => ("构成", "Mix"),
            Msg::ChartActionsTitle => ("已完成改进措施：目标指标的前后变化", "Closed improvement actions: change in the target measure"),
            Msg::ActionsAxis => ("变化（完成后 − 开始前，分）", "Change (after − before)"),
            Msg::NoChange => ("无变化", "no change"),
            Msg::NoClosedActions => ("尚无可评估的已完成措施", "No closed action to evaluate yet"),
            Msg::ActionsFootnote => ("开始前 = 开始月份之前三个月；完成后 = 完成月份之后三个月；绿色/红色：显著改善/变差（Welch 检验，本月各措施 BH 校正后 q < 0.05）。", "Before = the three months before the start month; after = the three months after the closing month; green/red: significant improvement/decline (Welch test, q < 0.05 after BH over the month's actions)."),
            Msg::ActionsSection => ("改进措施跟踪", "Improvement actions"),
            Msg::ActionsIntro => ("持续改进记录表中的措施及其目标指标在实施前后的变化；进行中的措施列出实施前的基线。", "The actions of the improvement log and the change in their target measure before and after; open actions show their baseline."),
            Msg::Action => ("措施", "Action"),
            Msg::Owner => ("负责人", "Owner"),
            Msg::Opened => ("开始", "Opened"),
            Msg::Closed => ("完成", "Closed"),
            Msg::Before => ("开始前", "Before"),
            Msg::After => ("完成后", "After"),
            Msg::Change => ("变化", "Change"),
            Msg::Status => ("状态", "Status"),
            Msg::StatusOpen => ("进行中", "in progress"),
            Msg::StatusClosed => ("已完成", "closed"),
            Msg::StatusTooEarly => ("完成不足一个月，尚无法评估", "closed too recently to measure"),
            Msg::StatusNoBefore => ("开始前的数据不在分析期（13 个月）内", "no data before (outside the 13 months analysed)"),
            Msg::StatusNoAfter => ("完成后无调查数据", "no survey data after"),
            Msg::StatusNotSurvey => ("目标指标不是调查题目，无法做前后对比", "target is not a survey measure"),
            Msg::SegmentsSection => ("分组满意度", "Satisfaction by segment"),
            Msg::SegmentsIntro => ("各区域、门店、会员等级的总体满意度及其 95% 置信区间；虚线为全公司均值，显著变化以颜色标出。", "Overall satisfaction by region, store and tier with 95% confidence intervals; the dashed line is the company average, significant changes are coloured."),
            Msg::LoyaltyIndex => ("忠诚度指数（0–100）", "Loyalty index (0–100)"),
            Msg::SuppressedCells => ("样本不足而不下结论的分组", "Groups below the minimum n"),
            Msg::LoyaltyTable => ("忠诚度", "Loyalty"),
            Msg::ConfidenceNote => ("置信水平：", "Confidence level: "),
            Msg::WeightingNone => ("未加权：所有数字均为未加权结果。", "Unweighted: every figure is unweighted."),
            Msg::WeightingRaked => ("已配置加权（raking）：加权结果写入数据集市（weighting = raked），本报告显示未加权结果。", "Raking is configured: weighted figures are in the marts (weighting = raked); this report shows the unweighted figures."),
            Msg::CalendarNote => ("工作日按节假日日历计算（内置 2025–2026 年国务院办公厅通知，可在 csat.toml 的 [churn] calendar 中替换）。", "Working days follow the holiday calendar (built in: the State Council notices for 2025–2026; replace it with [churn] calendar in csat.toml)."),
            Msg::Definitions => ("定义：满意率 = 最高两档占比；指数 = (均值 − 量表最小值)/(最大值 − 最小值) × 100；CSI = 各维度指数的加权平均；q 值为 Benjamini–Hochberg 校正后的 p 值。", "Definitions: top-2-box = share in the top two points; index = (mean − scale min)/(max − min) × 100; CSI = weighted mean of the dimension indices; q-values are Benjamini–Hochberg adjusted p-values."),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The label of a reject code (`out_of_scale` → 分值超出量表范围); unknown codes (from a
/// newer csat) show as themselves.
pub fn reject_reason(code: &str, lang: Lang) -> String {
    let (zh, en) = match code {
        "missing_value" => ("必填项为空", "required value missing"),
        "bad_date" => ("日期/时间无法识别", "unreadable date or time"),
        "not_a_number" => ("不是数字", "not a number"),
        "bad_flag" => ("是/否值无法识别", "unreadable yes/no value"),
        "unknown_value" => (
            "不在目录中的取值（如未登记的门店）",
            "value not in the catalogue (e.g. unknown store)",
        ),
        "out_of_scale" => ("分值超出量表范围", "score outside the item's scale"),
        "in_the_future" => ("日期晚于分析日期", "date after the analysis date"),
        "duplicate_id" => ("编号重复", "duplicate id"),
        "time_order" => ("时间先后矛盾", "dates in impossible order"),
        "no_answer" => ("没有任何有效作答", "no item answered"),
        "bad_weight" => ("权重无效", "invalid weight"),
        "excluded" => (
            "平台标记的非正式答卷（预览、测试、垃圾）",
            "not a real response (preview, test, spam)",
        ),
        "incomplete" => ("未完成或未提交的答卷", "unfinished or unsubmitted response"),
        "too_long" => (
            "单元格过长，只保留开头部分（该行照常计入）",
            "cell too long: only its start was kept (the row counts)",
        ),
        other => return other.to_string(),
    };
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// The display name of a segment (`region` → 区域; a custom segment by its `[[fields]]`
/// names).
pub fn segment_name(cfg: &crate::config::Config, segment: &str, lang: Lang) -> String {
    match segment {
        "region" => Msg::Region.text(lang).into(),
        "store" => Msg::Store.text(lang).into(),
        "tier" => Msg::Tier.text(lang).into(),
        "channel" => Msg::Channel.text(lang).into(),
        "product_line" => Msg::ProductLine.text(lang).into(),
        other => match cfg.field(other) {
            Some(f) => f.label(lang).into(),
            None => Msg::AllCustomers.text(lang).into(),
        },
    }
}

/// The title of a "satisfaction by segment" chart: 各区域总体满意度 / Overall satisfaction
/// by region.
pub fn by_segment_title(cfg: &crate::config::Config, segment: &str, lang: Lang) -> String {
    let name = segment_name(cfg, segment, lang);
    match lang {
        Lang::Zh => format!("各{name}总体满意度"),
        Lang::En => format!("Overall satisfaction by {}", name.to_lowercase()),
    }
}

/// `text` in parentheses: full-width "（…）" in Chinese, " (…)" in English.
pub fn paren(text: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("（{text}）"),
        Lang::En => format!(" ({text})"),
    }
}

/// The title of an "NPS by segment" chart: 各区域净推荐值构成 / NPS by region.
pub fn nps_by_segment_title(cfg: &crate::config::Config, segment: &str, lang: Lang) -> String {
    let name = segment_name(cfg, segment, lang);
    match lang {
        Lang::Zh => format!("各{name}净推荐值构成"),
        Lang::En => format!("NPS by {}", name.to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reject_code_has_a_label_in_both_languages() {
        for code in crate::ingest::RejectCode::ALL {
            for lang in [Lang::Zh, Lang::En] {
                assert_ne!(
                    reject_reason(code.as_str(), lang),
                    code.as_str(),
                    "{code:?} {lang:?}"
                );
            }
        }
    }

    #[test]
    fn numbers_are_formatted_per_language() {
        assert_eq!(score(4.1234, Lang::Zh), "4.12 分");
        assert_eq!(score(4.1234, Lang::En), "4.12");
        assert_eq!(percent(0.3521), "35.2%");
        assert_eq!(interval(-15.6, 65.63, 1), "[−15.6, 65.6]");
        assert_eq!(signed(-0.0001, 2), "0.00");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count(12), "12");
        assert_eq!(paren("1–5", Lang::Zh), "（1–5）");
        assert_eq!(paren("1–5", Lang::En), " (1–5)");
        assert_eq!(signed_plus(0.274, 2), "+0.27");
        assert_eq!(signed_plus(-0.274, 2), "−0.27");
        assert_eq!(pvalue(0.0031), "0.003");
        assert_eq!(pvalue(0.00001), "< 0.001");
        assert_eq!(qvalue(0.00001), "q < 0.001");
        assert_eq!(qvalue(0.0312), "q = 0.031");
    }
}
