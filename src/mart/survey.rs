//! The survey marts' rows (see [`crate::mart!`]): satisfaction, NPS, loyalty, benchmark,
//! drivers, trend, channels, improvement actions, and the analysis notes.

crate::mart! {
    /// Satisfaction per segment × measure (items, dimensions, CSI, loyalty index): mean
    /// with its interval, top-box share, change vs the previous period and the gap to the
    /// rest of the company, each with its test and Benjamini–Hochberg q-value.
    Satisfaction = "satisfaction" {
        period: String,
        segment: String,
        segment_value: String,
        measure: String,
        /// `item`, `dimension` or `composite`.
        measure_kind: String,
        /// `none` or `raked`.
        weighting: String,
        n: usize,
        n_eff: f64,
        mean: f64,
        sd: Option<f64>,
        ci_low: Option<f64>,
        ci_high: Option<f64>,
        top2box: Option<f64>,
        top2box_ci_low: Option<f64>,
        top2box_ci_high: Option<f64>,
        /// How many top points the top box counts (2, or 1 on a short scale).
        top_box_points: Option<usize>,
        /// The mean on a 0–100 index.
        index: f64,
        prev_mean: Option<f64>,
        delta: Option<f64>,
        p_value: Option<f64>,
        q_value: Option<f64>,
        significant: Option<bool>,
        vs_rest_delta: Option<f64>,
        vs_rest_p_value: Option<f64>,
        vs_rest_q_value: Option<f64>,
        vs_rest_significant: Option<bool>,
        suppressed: bool,
    }
}

crate::mart! {
    /// NPS per segment with its interval and the change vs the previous period.
    Nps = "nps" {
        period: String,
        segment: String,
        segment_value: String,
        weighting: String,
        n: usize,
        n_eff: f64,
        promoters: usize,
        passives: usize,
        detractors: usize,
        nps: f64,
        se: f64,
        ci_low: f64,
        ci_high: f64,
        prev_nps: Option<f64>,
        delta: Option<f64>,
        p_value: Option<f64>,
        q_value: Option<f64>,
        significant: Option<bool>,
        suppressed: bool,
    }
}

crate::mart! {
    /// Loyalty per segment: the survey's loyalty index, the customer file's churn and
    /// retention (Wilson intervals) and its tier mix (`tier_share_<tier>`).
    Loyalty = "loyalty" {
        period: String,
        segment: String,
        segment_value: String,
        n: Option<usize>,
        loyalty_index: Option<f64>,
        loyalty_ci_low: Option<f64>,
        loyalty_ci_high: Option<f64>,
        customers: Option<usize>,
        churned: Option<usize>,
        churn_rate: Option<f64>,
        churn_ci_low: Option<f64>,
        churn_ci_high: Option<f64>,
        retention_rate: Option<f64>,
        suppressed: Option<bool>,
    }
    extra
    /// The share of each configured tier among the segment's customers.
    tier_share: "tier_share_";
}

crate::mart! {
    /// Our figures against competitors and external references, with the gap's basis.
    Benchmark = "benchmark" {
        period: String,
        measure: String,
        brand: String,
        /// `survey` (competitor questions) or `external` (a benchmark file).
        source: String,
        n: Option<usize>,
        mean: f64,
        ci_low: Option<f64>,
        ci_high: Option<f64>,
        gap: Option<f64>,
        /// `scale`, `index` or `nps`; empty without a gap.
        gap_basis: String,
        gap_ci_low: Option<f64>,
        gap_ci_high: Option<f64>,
        p_value: Option<f64>,
        q_value: Option<f64>,
        significant: Option<bool>,
        rank: Option<usize>,
    }
}

crate::mart! {
    /// Key drivers: relative weights of the dimensions on overall satisfaction, their
    /// performance and the importance–performance quadrant.
    Driver = "drivers" {
        period: String,
        attribute: String,
        importance: Option<f64>,
        raw_weight: Option<f64>,
        r: Option<f64>,
        performance: Option<f64>,
        quadrant: Option<String>,
        model_n: usize,
        model_r2: Option<f64>,
    }
}

crate::mart! {
    /// Thirteen months of the headline measures with control limits.
    Trend = "trend" {
        month: String,
        measure: String,
        segment: String,
        segment_value: String,
        value: f64,
        n: usize,
        n_eff: f64,
        center: Option<f64>,
        ucl: Option<f64>,
        lcl: Option<f64>,
        ci_low: Option<f64>,
        ci_high: Option<f64>,
        out_of_control: Option<bool>,
    }
}

crate::mart! {
    /// Improvement actions: the measure before the action and after it closed.
    Action = "actions" {
        period: String,
        action_id: String,
        title: String,
        measure: String,
        store: Option<String>,
        owner: Option<String>,
        opened: Option<String>,
        closed: Option<String>,
        status: String,
        before_n: Option<usize>,
        before_mean: Option<f64>,
        before_ci_low: Option<f64>,
        before_ci_high: Option<f64>,
        after_n: Option<usize>,
        after_mean: Option<f64>,
        after_ci_low: Option<f64>,
        after_ci_high: Option<f64>,
        diff: Option<f64>,
        diff_ci_low: Option<f64>,
        diff_ci_high: Option<f64>,
        p_value: Option<f64>,
        q_value: Option<f64>,
        status_note: Option<String>,
    }
}

crate::mart! {
    /// Survey channels: responses, response rate, and the overall mean against the
    /// reference channel.
    Channel = "channels" {
        period: String,
        channel: String,
        responses: usize,
        n: usize,
        invitations: Option<f64>,
        response_rate: Option<f64>,
        mean: Option<f64>,
        ci_low: Option<f64>,
        ci_high: Option<f64>,
        reference_channel: String,
        diff_vs_reference: Option<f64>,
        p_value: Option<f64>,
        q_value: Option<f64>,
    }
}

crate::mart! {
    /// The analysis notes of a period (printed in the report's appendix).
    Note = "notes" {
        period: String,
        note: String,
    }
}

crate::mart! {
    /// Sample-size planning per segment from the period's overall-item, top-2-box and NPS
    /// figures: the margin each achieved, and the completed answers and invitations next
    /// period needs for the `[plan]` targets (see `metrics::plan` for the formulas).
    Plan = "plan" {
        period: String,
        segment: String,
        segment_value: String,
        /// `none` or `raked`.
        weighting: String,
        /// The overall item the mean and top-2-box plans are for.
        measure: String,
        n: usize,
        n_eff: f64,
        /// Active customers of the segment on the customer file (the finite population).
        population: Option<usize>,
        sd: Option<f64>,
        margin: Option<f64>,
        target_margin: f64,
        n_needed: Option<usize>,
        n_needed_fpc: Option<usize>,
        top2box: Option<f64>,
        share_margin: Option<f64>,
        target_share_margin: f64,
        share_n_needed: Option<usize>,
        share_n_needed_fpc: Option<usize>,
        nps_n: Option<usize>,
        nps_sd: Option<f64>,
        nps_margin: Option<f64>,
        target_nps_margin: f64,
        nps_n_needed: Option<usize>,
        nps_n_needed_fpc: Option<usize>,
        /// The most any of the three targets needs (with the correction where the
        /// population is known): the number of completed answers to plan for.
        completes_needed: Option<usize>,
        /// Completed answers per invitation last period, over the channels with invitations.
        response_rate: Option<f64>,
        /// The channels the response rate is over.
        rate_channels: Option<String>,
        invitations_needed: Option<usize>,
        note: Option<String>,
    }
}
