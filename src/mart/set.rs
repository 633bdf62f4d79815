//! All marts of one period, typed: what `csat analyze` writes and `csat report` reads.

use super::*;

/// The marts of one period; `None` where the workspace's data does not give that mart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MartSet {
    pub satisfaction: Option<Vec<Satisfaction>>,
    pub nps: Option<Vec<Nps>>,
    pub loyalty: Option<Vec<Loyalty>>,
    pub benchmark: Option<Vec<Benchmark>>,
    pub drivers: Option<Vec<Driver>>,
    pub trend: Option<Vec<Trend>>,
    pub channels: Option<Vec<Channel>>,
    pub actions: Option<Vec<Action>>,
    pub complaints: Option<Vec<Complaints>>,
    pub complaint_times: Option<Vec<ComplaintTime>>,
    pub complaint_hazard: Option<Vec<ComplaintHazard>>,
    pub complaint_churn: Option<Vec<ComplaintChurn>>,
    pub churn_model: Option<Vec<ChurnModel>>,
    pub survival: Option<Vec<Survival>>,
    pub plan: Option<Vec<Plan>>,
}

/// Calls `$m!(field, Type)` for every mart of a [`MartSet`], in the order the marts are
/// written and listed.
macro_rules! each_mart {
    ($m:ident) => {
        $m!(satisfaction, Satisfaction);
        $m!(nps, Nps);
        $m!(loyalty, Loyalty);
        $m!(benchmark, Benchmark);
        $m!(drivers, Driver);
        $m!(trend, Trend);
        $m!(channels, Channel);
        $m!(actions, Action);
        $m!(complaints, Complaints);
        $m!(complaint_times, ComplaintTime);
        $m!(complaint_hazard, ComplaintHazard);
        $m!(complaint_churn, ComplaintChurn);
        $m!(churn_model, ChurnModel);
        $m!(survival, Survival);
        $m!(plan, Plan);
    };
}

impl MartSet {
    /// The marts present, as (name, frame), in order.
    pub fn frames(&self) -> Result<Vec<(&'static str, DataFrame)>, MartError> {
        let mut v = Vec::new();
        macro_rules! frame {
            ($f:ident, $t:ty) => {
                if let Some(rows) = &self.$f {
                    v.push((<$t as Mart>::NAME, <$t as Mart>::to_frame(rows)?));
                }
            };
        }
        each_mart!(frame);
        Ok(v)
    }

    /// The marts that `load(name)` finds (`Ok(None)`: the period has no such mart); a frame
    /// that is not what its mart's type says is given to `bad` with the mart's name.
    pub fn read<E>(
        mut load: impl FnMut(&'static str) -> Result<Option<DataFrame>, E>,
        bad: impl Fn(&'static str, MartError) -> E,
    ) -> Result<MartSet, E> {
        let mut set = MartSet::default();
        macro_rules! load {
            ($f:ident, $t:ty) => {
                let name = <$t as Mart>::NAME;
                if let Some(df) = load(name)? {
                    set.$f = Some(<$t as Mart>::from_frame(&df).map_err(|e| bad(name, e))?);
                }
            };
        }
        each_mart!(load);
        Ok(set)
    }

    /// Add the marts present in `other` (the complaint marts to the survey's).
    pub fn merge(&mut self, other: MartSet) {
        macro_rules! take {
            ($f:ident, $t:ty) => {
                if other.$f.is_some() {
                    self.$f = other.$f;
                }
            };
        }
        each_mart!(take);
    }

    pub fn is_empty(&self) -> bool {
        *self == MartSet::default()
    }
}
