//! The complaint marts' rows (see [`crate::mart!`]): handling against the commitments, the
//! time distributions, complaints and churn, the churn model, the time-varying hazard
//! model and the retention curves.

crate::mart! {
    /// Complaint handling per segment: volume, Pareto shares, response and close times
    /// against the commitments (Wilson intervals), open/reopened/repeat counts, and the
    /// change vs the previous period.
    Complaints = "complaints" {
        period: String,
        segment: String,
        segment_value: String,
        count: usize,
        rate_per_1000: Option<f64>,
        share: f64,
        cum_share: f64,
        first_response_p50_h: Option<f64>,
        first_response_p90_h: Option<f64>,
        resolution_p50_days: Option<f64>,
        resolution_p90_days: Option<f64>,
        respond_within_h: f64,
        close_within_days: usize,
        /// `calendar` or `working`.
        close_day_kind: String,
        responded_in_time_n: Option<usize>,
        responded_in_time_share: Option<f64>,
        responded_in_time_ci_low: Option<f64>,
        responded_in_time_ci_high: Option<f64>,
        responded_not_yet_due: Option<usize>,
        closed_in_time_n: Option<usize>,
        closed_in_time_share: Option<f64>,
        closed_in_time_ci_low: Option<f64>,
        closed_in_time_ci_high: Option<f64>,
        closed_not_yet_due: Option<usize>,
        disputed_n: Option<usize>,
        disputed_share: Option<f64>,
        disputed_ci_low: Option<f64>,
        disputed_ci_high: Option<f64>,
        open_count: Option<usize>,
        reopened_count: usize,
        repeat_complainers: usize,
        handling_satisfaction_mean: Option<f64>,
        prev_count: usize,
        prev_closed_in_time_share: Option<f64>,
        closed_in_time_change_p_value: Option<f64>,
        closed_in_time_change_q_value: Option<f64>,
        prev_responded_in_time_share: Option<f64>,
        responded_in_time_change_p_value: Option<f64>,
        responded_in_time_change_q_value: Option<f64>,
        prev_first_response_p50_h: Option<f64>,
        prev_resolution_p50_days: Option<f64>,
        prev_handling_satisfaction_mean: Option<f64>,
    }
}

crate::mart! {
    /// Histograms of first-response hours and resolution days, with the commitment.
    ComplaintTime = "complaint_times" {
        period: String,
        /// `first_response_h` or `resolution_days`.
        measure: String,
        bin_low: Option<f64>,
        bin_high: Option<f64>,
        count: usize,
        commitment: f64,
    }
}

crate::mart! {
    /// Churn of customers by complaint group against those without complaints.
    ComplaintChurn = "complaint_churn" {
        period: String,
        group: String,
        customers: usize,
        churned: usize,
        churn_rate: Option<f64>,
        ci_low: Option<f64>,
        ci_high: Option<f64>,
        rr_vs_none: Option<f64>,
        rr_ci_low: Option<f64>,
        rr_ci_high: Option<f64>,
        or_vs_none: Option<f64>,
        or_ci_low: Option<f64>,
        or_ci_high: Option<f64>,
        /// `fisher` or `chi_square`.
        test: Option<String>,
        chi2: Option<f64>,
        p_value: Option<f64>,
        q_value: Option<f64>,
        phi: Option<f64>,
    }
}

crate::mart! {
    /// The logistic churn model's terms; a model that could not be fitted is one row with
    /// its note and no estimates.
    ChurnModel = "churn_model" {
        period: String,
        term: Option<String>,
        coef: Option<f64>,
        se: Option<f64>,
        z: Option<f64>,
        p_value: Option<f64>,
        q_value: Option<f64>,
        odds_ratio: Option<f64>,
        or_ci_low: Option<f64>,
        or_ci_high: Option<f64>,
        n: Option<usize>,
        events: Option<usize>,
        log_likelihood: Option<f64>,
        note: Option<String>,
    }
}

crate::mart! {
    /// The Cox models with the complaint as a time-varying exposure.
    ComplaintHazard = "complaint_hazard" {
        period: String,
        model: String,
        term: Option<String>,
        coef: Option<f64>,
        se: Option<f64>,
        hazard_ratio: Option<f64>,
        hr_ci_low: Option<f64>,
        hr_ci_high: Option<f64>,
        p_value: Option<f64>,
        q_value: Option<f64>,
        ph_chi2: Option<f64>,
        ph_p_value: Option<f64>,
        lr_chi2: Option<f64>,
        lr_p_value: Option<f64>,
        ph_global_chi2: Option<f64>,
        ph_global_p_value: Option<f64>,
        customers: usize,
        events: usize,
        note: Option<String>,
    }
}

crate::mart! {
    /// Kaplan–Meier retention curves per group, with the log-rank test.
    Survival = "survival" {
        period: String,
        /// `simon_makuch`, `fixed`, `overall` or `none`.
        method: String,
        group: String,
        day: f64,
        at_risk: usize,
        events: usize,
        censored: usize,
        survival: f64,
        ci_low: Option<f64>,
        ci_high: Option<f64>,
        logrank_chi2: Option<f64>,
        logrank_p: Option<f64>,
    }
}
