//! The canonical rows of each table, built field by field from one raw row: a response's
//! answers and comments, a complaint, a customer, a benchmark figure, an action.

use super::*;

impl FileMap<'_> {
    pub(super) fn response(&self, ctx: &Context, row: &RawRow) -> RowResult<Mapped> {
        let id = self.required_text(row, "response_id")?;
        let time = match self.fixed {
            Some(t) => t,
            None => self.required_time(row, "survey_time", ctx.as_of)?,
        };
        let customer_id = ctx.privacy.id(self.text(row, "customer_id"));
        let known = customer_id.as_deref().and_then(|c| ctx.customers.get(c));
        let (store, region, tier) = self.response_segments(ctx, row, known)?;
        let product_line = self.segment(row, "product_line", ctx.cats)?;
        let brand = self
            .segment(row, "brand", ctx.cats)?
            .unwrap_or_else(|| "ours".into());
        let channel = self
            .segment(row, "channel", ctx.cats)?
            .or_else(|| self.src.channel.clone());
        let interviewer = ctx.privacy.id(self.text(row, "interviewer"));
        let weight = self.weight(row)?;
        let custom = self.custom_values(ctx, row, known)?;
        let period = Period::of_date(time.date());
        let mut out = Mapped {
            id: Some((id.clone(), row.line)),
            time: Some(time),
            ..Mapped::default()
        };
        let (mut items, mut scores) = (Vec::new(), Vec::new());
        for ((item, i), item_id) in self.items.iter().zip(&self.item_ids) {
            let cell = row.cells.get(*i).unwrap_or(&Cell::Empty);
            if self.is_missing(cell, item) {
                continue;
            }
            if item.role == Role::Comment {
                let comment = Comment {
                    response_id: id.clone(),
                    customer_id: customer_id.clone(),
                    source: self.src.name.clone(),
                    channel: channel.clone(),
                    survey_time: time,
                    region: region.clone(),
                    store: store.clone(),
                    item_id: item.id.clone(),
                    text: ctx.privacy.text(cell.as_text().trim()),
                };
                out.rows.push((period, Canonical::of(comment, Vec::new())));
                continue;
            }
            let score = match values::score(cell, item) {
                Ok(Some(score)) => score,
                Ok(None) => continue,
                Err((code, why)) if self.src.reject_response => {
                    return Err(self.err(code, *i, cell, why))
                }
                Err((code, why)) => {
                    out.answer_rejects.push(self.err(code, *i, cell, why));
                    continue;
                }
            };
            items.push(item_id.clone());
            scores.push(score);
        }
        if !scores.is_empty() {
            // A response's answers share everything but the item and the score: those values
            // are stored once for all of them (per answer they were most of ingest's time).
            let response = Response {
                response_id: id,
                customer_id,
                source: self.src.name.clone(),
                channel,
                survey_time: time,
                region,
                store,
                tier,
                product_line,
                brand,
                interviewer,
                item_id: items,
                score: scores,
                weight,
            };
            out.rows.push((period, Canonical::of(response, custom)));
        }
        if out.rows.is_empty() {
            // Nothing left to count: the row is rejected, for its first bad answer if any.
            return Err(match out.answer_rejects.into_iter().next() {
                Some(first) => first,
                None => self.field_err(
                    row,
                    "response_id",
                    RejectCode::NoAnswer,
                    "no questionnaire item answered".into(),
                ),
            });
        }
        Ok(out)
    }

    /// A response's weight (default 1), which must be positive.
    fn weight(&self, row: &RawRow) -> RowResult<f64> {
        let weight = self.parsed(row, "weight", parse::number)?.unwrap_or(1.0);
        if weight <= 0.0 {
            return Err(self.field_err(
                row,
                "weight",
                RejectCode::BadWeight,
                "a weight must be positive".into(),
            ));
        }
        Ok(weight)
    }

    /// A response's store, region and tier: its own columns, else the store's region in the
    /// catalogue, else the segments of the customer it names in the customer file.
    #[allow(clippy::type_complexity)]
    fn response_segments(
        &self,
        ctx: &Context,
        row: &RawRow,
        known: Option<&CustomerSegments>,
    ) -> RowResult<(Option<String>, Option<String>, Option<String>)> {
        let store = match self.segment(row, "store", ctx.cats)? {
            Some(s) => Some(s),
            None => known.and_then(|k| k.store.as_deref().map(String::from)),
        };
        let region = match self.segment(row, "region", ctx.cats)? {
            Some(r) => Some(r),
            None => store
                .as_ref()
                .and_then(|s| ctx.cats.region_of_store.get(s).cloned())
                .or_else(|| known.and_then(|k| k.region.as_deref().map(String::from))),
        };
        let tier = match self.segment(row, "tier", ctx.cats)? {
            Some(t) => Some(t),
            None => known.and_then(|k| k.tier.as_deref().map(String::from)),
        };
        Ok((store, region, tier))
    }

    pub(super) fn complaint(&self, ctx: &Context, row: &RawRow) -> RowResult<Mapped> {
        let id = self.required_text(row, "complaint_id")?;
        let received = match self.fixed {
            Some(t) => t,
            None => self.required_time(row, "received_at", ctx.as_of)?,
        };
        let category = self.required_text(row, "category")?;
        let customer_id = ctx.privacy.id(self.text(row, "customer_id"));
        let first = self.time(row, "first_response_at", ctx.as_of)?;
        let closed = self.time(row, "closed_at", ctx.as_of)?;
        for (field, t) in [("first_response_at", first), ("closed_at", closed)] {
            if let Some(t) = t.filter(|t| *t < received) {
                return Err(self.field_err(
                    row,
                    field,
                    RejectCode::TimeOrder,
                    format!("{field} {t} is before the complaint was received ({received})"),
                ));
            }
        }
        let known = customer_id.as_deref().and_then(|c| ctx.customers.get(c));
        let store = match self.segment(row, "store", ctx.cats)? {
            Some(s) => Some(s),
            None => known.and_then(|k| k.store.as_deref().map(String::from)),
        };
        let custom = self.custom_values(ctx, row, known)?;
        let region = store
            .as_ref()
            .and_then(|s| ctx.cats.region_of_store.get(s).cloned());
        Ok(Mapped {
            id: Some((id.clone(), row.line)),
            time: Some(received),
            rows: vec![(
                Period::of_date(received.date()),
                Canonical::of(
                    Complaint {
                        complaint_id: id,
                        customer_id,
                        source: self.src.name.clone(),
                        received_at: received,
                        channel: self.text(row, "channel"),
                        category,
                        severity: self.text(row, "severity"),
                        region,
                        store,
                        first_response_at: first,
                        closed_at: closed,
                        status: self.text(row, "status"),
                        compensation: self.parsed(row, "compensation", parse::number)?,
                        handling_satisfaction: self.parsed(
                            row,
                            "handling_satisfaction",
                            parse::number,
                        )?,
                        timely_response: self.parsed(row, "timely_response", parse::flag)?,
                        disputed: self.parsed(row, "disputed", parse::flag)?,
                    },
                    custom,
                ),
            )],
            customer: None,
            answer_rejects: Vec::new(),
        })
    }

    pub(super) fn customer(&self, ctx: &Context, row: &RawRow) -> RowResult<Mapped> {
        let raw_id = self.required_text(row, "customer_id")?;
        // A mapped store column must be filled; files without one (a telecom's customer
        // list) have customers without a store.
        let store = self.segment(row, "store", ctx.cats)?;
        if store.is_none() && self.cell(row, "store").is_some() {
            return Err(self.field_err(
                row,
                "store",
                RejectCode::MissingValue,
                "store is empty; every customer belongs to a store".into(),
            ));
        }
        // The file's own region, else the region of its store in the catalogue.
        let region = match self.segment(row, "region", ctx.cats)? {
            Some(r) => Some(r),
            None => store
                .as_ref()
                .and_then(|s| ctx.cats.region_of_store.get(s).cloned()),
        };
        let tier = self.segment(row, "tier", ctx.cats)?;
        let custom = self.custom_values(ctx, row, None)?;
        let first = self.date(row, "first_purchase", ctx.as_of)?;
        let last = self.date(row, "last_purchase", ctx.as_of)?;
        let churn_date = self.date(row, "churn_date", ctx.as_of)?;
        let churned = self
            .parsed(row, "churned", parse::flag)?
            .or(churn_date.map(|_| true));
        if let (Some(f), Some(c)) = (first, churn_date) {
            if c < f {
                return Err(self.field_err(
                    row,
                    "churn_date",
                    RejectCode::TimeOrder,
                    format!("churn date {c} is before the first purchase {f}"),
                ));
            }
        }
        let id = ctx.privacy.id(Some(raw_id.clone())).unwrap_or_default();
        // A customer file is a snapshot: its month is the configured one, else the month of
        // the day before the analysis date, the last day the file can describe in full (a
        // file exported on 1 November for the October report is October's).
        let period = self
            .src
            .snapshot
            .or(self.fixed.map(|t| Period::of_date(t.date())))
            .unwrap_or_else(|| Period::of_date(ctx.as_of.pred_opt().unwrap_or(ctx.as_of)));
        let rc = |v: &Option<String>| v.as_deref().map(Arc::from);
        let seg = CustomerSegments {
            store: rc(&store),
            region: rc(&region),
            tier: rc(&tier),
            extra: self
                .custom
                .iter()
                .zip(&custom)
                .filter(|((f, _), _)| f.kind == crate::config::FieldKind::Segment)
                .map(|(_, v)| match v {
                    V::S(s) => rc(s),
                    _ => None,
                })
                .collect(),
        };
        Ok(Mapped {
            id: Some((raw_id, row.line)),
            customer: Some((id.clone(), seg)),
            time: None,
            rows: vec![(
                period,
                Canonical::of(
                    Customer {
                        customer_id: Some(id).filter(|s| !s.is_empty()),
                        region,
                        store,
                        tier,
                        first_purchase: first,
                        last_purchase: last,
                        churned,
                        churn_date,
                        value: self.parsed(row, "value", parse::number)?,
                        complained: self.parsed(row, "complained", parse::flag)?,
                    },
                    custom,
                ),
            )],
            answer_rejects: Vec::new(),
        })
    }

    pub(super) fn benchmark(&self, row: &RawRow) -> RowResult<Mapped> {
        let fixed = self.fixed.map(|t| Period::of_date(t.date()));
        let period = fixed
            .map_or_else(|| self.parsed(row, "period", parse::month), |p| Ok(Some(p)))?
            .ok_or_else(|| {
                self.field_err(
                    row,
                    "period",
                    RejectCode::MissingValue,
                    "period is empty".into(),
                )
            })?;
        let value = self.parsed(row, "value", parse::number)?.ok_or_else(|| {
            self.field_err(
                row,
                "value",
                RejectCode::MissingValue,
                "value is empty".into(),
            )
        })?;
        Ok(Mapped {
            rows: vec![(
                period,
                Canonical::of(
                    Benchmark {
                        measure: self.required_text(row, "measure")?,
                        reference: self.required_text(row, "reference")?,
                        value,
                        scale_min: self.parsed(row, "scale_min", parse::number)?,
                        scale_max: self.parsed(row, "scale_max", parse::number)?,
                    },
                    Vec::new(),
                ),
            )],
            ..Mapped::default()
        })
    }

    pub(super) fn action(&self, ctx: &Context, row: &RawRow) -> RowResult<Mapped> {
        let id = self.required_text(row, "action_id")?;
        let opened = self.parsed(row, "opened", parse::date)?.ok_or_else(|| {
            self.field_err(
                row,
                "opened",
                RejectCode::MissingValue,
                "opened is empty; every action needs its start date".into(),
            )
        })?;
        let closed = self.parsed(row, "closed", parse::date)?;
        if let Some(c) = closed.filter(|c| *c < opened) {
            return Err(self.field_err(
                row,
                "closed",
                RejectCode::TimeOrder,
                format!("closed {c} is before opened {opened}"),
            ));
        }
        let store = self.segment(row, "store", ctx.cats)?;
        let region = store
            .as_ref()
            .and_then(|s| ctx.cats.region_of_store.get(s).cloned());
        Ok(Mapped {
            id: Some((id.clone(), row.line)),
            rows: vec![(
                Period::of_date(opened),
                Canonical::of(
                    Action {
                        action_id: id,
                        title: self.required_text(row, "title")?,
                        measure: self.text(row, "measure"),
                        region,
                        store,
                        owner: self.text(row, "owner"),
                        opened,
                        closed,
                        status: self.text(row, "status"),
                    },
                    Vec::new(),
                ),
            )],
            customer: None,
            time: Some(opened.and_time(chrono::NaiveTime::MIN)),
            answer_rejects: Vec::new(),
        })
    }
}
