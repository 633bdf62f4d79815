//! Ingest: configured raw files → canonical tables, every row accounted for.
//!
//! Each source's `[sources.columns]` and `[sources.items]` say which header holds which
//! canonical field or questionnaire item; no file has code of its own. Every data row
//! of every file ends up either accepted (in a canonical table) or rejected (with file,
//! line, column, value and reason), so `rows read = accepted + rejected` per file.
//! Customer files are read first, so that responses carrying only a customer id get that
//! customer's store, region and tier.

pub mod parse;
pub mod read;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use thiserror::Error;

use crate::config::{Config, Item, Role, Source};
use crate::frame::{self, DataFrame, Values};
use crate::period::Period;
use crate::schema::{self, ColType, FieldType, SourceKind, Table};
use read::{Cell, RawRow, RawTable};

#[derive(Debug, Error)]
pub enum IngestError {
    #[error("{path} (source `{source_name}`): {message}")]
    File {
        source_name: String,
        path: PathBuf,
        message: String,
    },
    #[error("{path} (source `{source_name}`): no column `{header}` for {what}; the file's header row has: {available}. Fix the mapping in csat.toml or the export")]
    MissingHeader {
        source_name: String,
        path: PathBuf,
        header: String,
        what: String,
        available: String,
    },
    #[error("building table {table}: {message}")]
    Frame {
        table: &'static str,
        message: String,
    },
}

/// Why a row was rejected, as a stable code (reports translate it; the `reason` text
/// gives the detail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectCode {
    MissingValue,
    BadDate,
    NotANumber,
    BadFlag,
    UnknownValue,
    OutOfScale,
    InTheFuture,
    DuplicateId,
    TimeOrder,
    NoAnswer,
    BadWeight,
}

impl RejectCode {
    pub const ALL: [RejectCode; 11] = [
        RejectCode::MissingValue,
        RejectCode::BadDate,
        RejectCode::NotANumber,
        RejectCode::BadFlag,
        RejectCode::UnknownValue,
        RejectCode::OutOfScale,
        RejectCode::InTheFuture,
        RejectCode::DuplicateId,
        RejectCode::TimeOrder,
        RejectCode::NoAnswer,
        RejectCode::BadWeight,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::MissingValue => "missing_value",
            RejectCode::BadDate => "bad_date",
            RejectCode::NotANumber => "not_a_number",
            RejectCode::BadFlag => "bad_flag",
            RejectCode::UnknownValue => "unknown_value",
            RejectCode::OutOfScale => "out_of_scale",
            RejectCode::InTheFuture => "in_the_future",
            RejectCode::DuplicateId => "duplicate_id",
            RejectCode::TimeOrder => "time_order",
            RejectCode::NoAnswer => "no_answer",
            RejectCode::BadWeight => "bad_weight",
        }
    }
}

/// A rejected row and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    pub code: RejectCode,
    pub source: String,
    pub file: String,
    pub line: usize,
    pub column: String,
    pub value: String,
    pub reason: String,
}

/// Row counts of one input file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileLedger {
    pub source: String,
    pub kind: String,
    pub file: String,
    pub encoding: String,
    pub rows_read: usize,
    pub accepted: usize,
    pub rejected: usize,
}

/// One cell of a canonical row, in the order of [`Table::columns`].
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    S(Option<String>),
    F(Option<f64>),
    B(Option<bool>),
    D(Option<NaiveDate>),
    T(Option<NaiveDateTime>),
}

/// Canonical rows of one table, each with the month it belongs to.
#[derive(Debug, Clone)]
pub struct TableRows {
    pub table: Table,
    pub periods: Vec<Period>,
    cols: Vec<Values>,
}

impl TableRows {
    pub fn new(table: Table) -> TableRows {
        TableRows {
            table,
            periods: Vec::new(),
            cols: table
                .columns()
                .iter()
                .map(|(_, t)| Values::empty(*t))
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.periods.len()
    }

    pub fn is_empty(&self) -> bool {
        self.periods.is_empty()
    }

    pub fn push(&mut self, period: Period, row: Vec<V>) {
        debug_assert_eq!(
            row.len(),
            self.cols.len(),
            "row shape of {}",
            self.table.name()
        );
        for (col, v) in self.cols.iter_mut().zip(row) {
            match (col, v) {
                (Values::Str(c), V::S(v)) => c.push(v),
                (Values::F64(c), V::F(v)) => c.push(v),
                (Values::Bool(c), V::B(v)) => c.push(v),
                (Values::Date(c), V::D(v)) => c.push(v),
                (Values::Time(c), V::T(v)) => c.push(v),
                (c, v) => panic!(
                    "column/value type mismatch in {}: {c:?} <- {v:?}",
                    self.table.name()
                ),
            }
        }
        self.periods.push(period);
    }

    /// One frame per month, rows in input order.
    pub fn into_partitions(self) -> Result<BTreeMap<Period, DataFrame>, IngestError> {
        let mut rows_of: BTreeMap<Period, Vec<usize>> = BTreeMap::new();
        for (i, p) in self.periods.iter().enumerate() {
            rows_of.entry(*p).or_default().push(i);
        }
        let names = self.table.columns();
        let mut out = BTreeMap::new();
        for (p, idx) in rows_of {
            let cols = names
                .iter()
                .zip(&self.cols)
                .map(|((n, t), v)| (*n, *t, take(v, &idx)))
                .collect();
            let df = frame::build(cols).map_err(|e| IngestError::Frame {
                table: self.table.name(),
                message: e.to_string(),
            })?;
            out.insert(p, df);
        }
        Ok(out)
    }
}

fn take(v: &Values, idx: &[usize]) -> Values {
    fn pick<T: Clone>(v: &[T], idx: &[usize]) -> Vec<T> {
        idx.iter().map(|&i| v[i].clone()).collect()
    }
    match v {
        Values::Str(c) => Values::Str(pick(c, idx)),
        Values::F64(c) => Values::F64(pick(c, idx)),
        Values::I64(c) => Values::I64(pick(c, idx)),
        Values::Bool(c) => Values::Bool(pick(c, idx)),
        Values::Date(c) => Values::Date(pick(c, idx)),
        Values::Time(c) => Values::Time(pick(c, idx)),
    }
}

/// Everything one ingest produced.
#[derive(Debug)]
pub struct Ingested {
    pub tables: BTreeMap<Table, TableRows>,
    pub rejects: Vec<Reject>,
    pub ledger: Vec<FileLedger>,
}

impl Ingested {
    pub fn rows_read(&self) -> usize {
        self.ledger.iter().map(|l| l.rows_read).sum()
    }
    pub fn accepted(&self) -> usize {
        self.ledger.iter().map(|l| l.accepted).sum()
    }
    pub fn rejected(&self) -> usize {
        self.ledger.iter().map(|l| l.rejected).sum()
    }
}

/// Lookup of segment values: a catalogue entry's id, Chinese name, English name or alias
/// (trimmed, ASCII case ignored) → its id.
struct Catalogs {
    by_segment: HashMap<String, HashMap<String, String>>,
    region_of_store: HashMap<String, String>,
}

fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

impl Catalogs {
    fn new(cfg: &Config) -> Catalogs {
        let mut by_segment = HashMap::new();
        for (seg, entries) in &cfg.catalog {
            let mut m = HashMap::new();
            for e in entries {
                for label in [&e.id, &e.zh, &e.en].into_iter().chain(e.aliases.iter()) {
                    m.insert(key(label), e.id.clone());
                }
            }
            by_segment.insert(seg.clone(), m);
        }
        if !by_segment.contains_key("channel") {
            let m = schema::CHANNELS
                .iter()
                .flat_map(|(id, zh, en)| {
                    [
                        (key(id), id.to_string()),
                        (key(zh), id.to_string()),
                        (key(en), id.to_string()),
                    ]
                })
                .collect();
            by_segment.insert("channel".into(), m);
        }
        let region_of_store = cfg
            .catalog
            .get("store")
            .map(|s| {
                s.iter()
                    .filter_map(|e| Some((e.id.clone(), e.region.clone()?)))
                    .collect()
            })
            .unwrap_or_default();
        Catalogs {
            by_segment,
            region_of_store,
        }
    }

    /// `Ok(None)` for a blank value; an error for a value the catalogue does not know.
    fn normalise(&self, segment: &str, value: &str) -> Result<Option<String>, String> {
        let v = value.trim();
        if v.is_empty() {
            return Ok(None);
        }
        match self.by_segment.get(segment) {
            None => Ok(Some(v.to_string())),
            Some(m) => m
                .get(&key(v))
                .cloned()
                .map(Some)
                .ok_or_else(|| format!("unknown {segment} `{v}`: not in [[catalog.{segment}]]; add it there (or as an alias) or correct the row")),
        }
    }
}

/// What a customer record contributes to responses that carry only the customer id.
#[derive(Debug, Clone)]
struct CustomerSegments {
    store: Option<String>,
    region: Option<String>,
    tier: Option<String>,
}

/// A row's failure: the column (header) and value at fault, and why.
struct RowError {
    code: RejectCode,
    column: String,
    value: String,
    reason: String,
}

type RowResult<T> = Result<T, RowError>;

/// A source's file with its header positions resolved.
struct Mapped<'a> {
    src: &'a Source,
    raw: &'a RawTable,
    fields: BTreeMap<&'static str, (usize, FieldType)>,
    items: Vec<(&'a Item, usize)>,
}

impl<'a> Mapped<'a> {
    fn new(
        cfg: &'a Config,
        src: &'a Source,
        raw: &'a RawTable,
        path: &Path,
    ) -> Result<Mapped<'a>, IngestError> {
        let missing = |header: &str, what: String| IngestError::MissingHeader {
            source_name: src.name.clone(),
            path: path.to_path_buf(),
            header: header.to_string(),
            what,
            available: raw
                .headers
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", "),
        };
        let mut fields = BTreeMap::new();
        for f in schema::source_fields(src.kind) {
            if let Some(h) = src.columns.get(f.name) {
                let i = raw
                    .find(h)
                    .ok_or_else(|| missing(h, format!("field `{}`", f.name)))?;
                fields.insert(f.name, (i, f.ty));
            }
        }
        let mut items = Vec::new();
        for (id, h) in &src.items {
            let item = cfg.item(id).expect("validated item id");
            let i = raw
                .find(h)
                .ok_or_else(|| missing(h, format!("item `{id}`")))?;
            items.push((item, i));
        }
        Ok(Mapped {
            src,
            raw,
            fields,
            items,
        })
    }

    /// The reject code for a cell of `field` that does not parse as its type.
    fn code_of(&self, field: &str) -> RejectCode {
        match self.fields.get(field).map(|f| f.1) {
            Some(FieldType::Time | FieldType::Date | FieldType::Month) => RejectCode::BadDate,
            Some(FieldType::Number) => RejectCode::NotANumber,
            Some(FieldType::Flag) => RejectCode::BadFlag,
            _ => RejectCode::UnknownValue,
        }
    }

    fn header(&self, i: usize) -> String {
        self.raw.headers.get(i).cloned().unwrap_or_default()
    }

    fn cell<'r>(&self, row: &'r RawRow, field: &str) -> Option<(usize, &'r Cell)> {
        let (i, _) = self.fields.get(field)?;
        Some((*i, row.cells.get(*i).unwrap_or(&Cell::Empty)))
    }

    fn err(&self, code: RejectCode, i: usize, cell: &Cell, reason: String) -> RowError {
        RowError {
            code,
            column: self.header(i),
            value: cell.as_text(),
            reason,
        }
    }

    fn text(&self, row: &RawRow, field: &str) -> Option<String> {
        self.cell(row, field)
            .map(|(_, c)| c.as_text().trim().to_string())
            .filter(|s| !s.is_empty())
    }

    fn required_text(&self, row: &RawRow, field: &str) -> RowResult<String> {
        self.text(row, field).ok_or_else(|| {
            let (i, c) = self.cell(row, field).expect("required fields are mapped");
            self.err(
                RejectCode::MissingValue,
                i,
                c,
                format!("{field} is empty; every row needs one"),
            )
        })
    }

    fn parsed<T>(
        &self,
        row: &RawRow,
        field: &str,
        f: impl Fn(&Cell) -> Result<Option<T>, String>,
    ) -> RowResult<Option<T>> {
        match self.cell(row, field) {
            None => Ok(None),
            Some((i, c)) => f(c).map_err(|e| self.err(self.code_of(field), i, c, e)),
        }
    }

    fn time(
        &self,
        row: &RawRow,
        field: &str,
        as_of: NaiveDate,
    ) -> RowResult<Option<NaiveDateTime>> {
        let t = self.parsed(row, field, parse::time)?;
        if let Some(t) = t {
            if t.date() > as_of {
                let (i, c) = self.cell(row, field).unwrap();
                return Err(self.err(
                    RejectCode::InTheFuture,
                    i,
                    c,
                    format!("{field} {t} is after the analysis date {as_of}"),
                ));
            }
        }
        Ok(t)
    }

    fn required_time(
        &self,
        row: &RawRow,
        field: &str,
        as_of: NaiveDate,
    ) -> RowResult<NaiveDateTime> {
        self.time(row, field, as_of)?.ok_or_else(|| {
            let (i, c) = self.cell(row, field).unwrap();
            self.err(
                RejectCode::MissingValue,
                i,
                c,
                format!("{field} is empty; every row needs one"),
            )
        })
    }

    fn segment(&self, row: &RawRow, field: &str, cats: &Catalogs) -> RowResult<Option<String>> {
        match self.cell(row, field) {
            None => Ok(None),
            Some((i, c)) => cats
                .normalise(field, &c.as_text())
                .map_err(|e| self.err(RejectCode::UnknownValue, i, c, e)),
        }
    }
}

/// Read and map every configured source. `as_of` is the analysis date: a timestamp after
/// it is a keying error.
pub fn ingest(cfg: &Config, as_of: NaiveDate) -> Result<Ingested, IngestError> {
    let cats = Catalogs::new(cfg);
    let mut out = Ingested {
        tables: Table::ALL
            .iter()
            .map(|t| (*t, TableRows::new(*t)))
            .collect(),
        rejects: Vec::new(),
        ledger: Vec::new(),
    };
    let mut customers: HashMap<String, CustomerSegments> = HashMap::new();
    // Customer files first, so responses can borrow their segments.
    let mut order: Vec<&Source> = cfg.sources.iter().collect();
    order.sort_by_key(|s| s.kind != SourceKind::Customers);
    for src in order {
        for path in &src.files {
            let file = display_path(cfg, path);
            let raw = read::read(path, src.format, src.encoding, src.sheet.as_deref()).map_err(
                |message| IngestError::File {
                    source_name: src.name.clone(),
                    path: path.clone(),
                    message,
                },
            )?;
            let m = Mapped::new(cfg, src, &raw, path)?;
            let mut ledger = FileLedger {
                source: src.name.clone(),
                kind: format!("{:?}", src.kind).to_lowercase(),
                file: file.clone(),
                encoding: raw.encoding.to_string(),
                rows_read: raw.rows.len(),
                accepted: 0,
                rejected: 0,
            };
            let mut seen_ids: HashMap<String, usize> = HashMap::new();
            for row in &raw.rows {
                let result = map_row(
                    cfg,
                    &cats,
                    &m,
                    row,
                    as_of,
                    &mut seen_ids,
                    &mut customers,
                    &mut out.tables,
                );
                match result {
                    Ok(()) => ledger.accepted += 1,
                    Err(e) => {
                        ledger.rejected += 1;
                        out.rejects.push(Reject {
                            code: e.code,
                            source: src.name.clone(),
                            file: file.clone(),
                            line: row.line,
                            column: e.column,
                            value: e.value,
                            reason: e.reason,
                        });
                    }
                }
            }
            tracing::info!(source = %src.name, file = %file, read = ledger.rows_read, accepted = ledger.accepted, rejected = ledger.rejected, "ingested");
            out.ledger.push(ledger);
        }
    }
    Ok(out)
}

fn display_path(cfg: &Config, path: &Path) -> String {
    path.strip_prefix(&cfg.root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[allow(clippy::too_many_arguments)]
fn map_row(
    cfg: &Config,
    cats: &Catalogs,
    m: &Mapped,
    row: &RawRow,
    as_of: NaiveDate,
    seen_ids: &mut HashMap<String, usize>,
    customers: &mut HashMap<String, CustomerSegments>,
    tables: &mut BTreeMap<Table, TableRows>,
) -> RowResult<()> {
    let id_field = match m.src.kind.table() {
        Table::Responses => Some("response_id"),
        Table::Complaints => Some("complaint_id"),
        Table::Customers => Some("customer_id"),
        Table::Actions => Some("action_id"),
        _ => None,
    };
    let mut check_duplicate = |id: &str| -> RowResult<()> {
        if let Some(first) = seen_ids.get(id) {
            let (i, c) = m.cell(row, id_field.unwrap()).unwrap();
            return Err(m.err(
                RejectCode::DuplicateId,
                i,
                c,
                format!("duplicate id `{id}` (first on line {first}); keep one of the two rows"),
            ));
        }
        seen_ids.insert(id.to_string(), row.line);
        Ok(())
    };
    match m.src.kind.table() {
        Table::Responses => {
            let rows = map_response(cfg, cats, m, row, as_of, customers)?;
            check_duplicate(&rows.id)?;
            let (responses, comments) = (rows.answers, rows.comments);
            for r in responses {
                tables
                    .get_mut(&Table::Responses)
                    .unwrap()
                    .push(rows.period, r);
            }
            for c in comments {
                tables
                    .get_mut(&Table::Comments)
                    .unwrap()
                    .push(rows.period, c);
            }
        }
        Table::Complaints => {
            let (p, r) = map_complaint(cats, m, row, as_of, customers)?;
            if let V::S(Some(id)) = &r[0] {
                check_duplicate(id)?;
            }
            tables.get_mut(&Table::Complaints).unwrap().push(p, r);
        }
        Table::Customers => {
            let (p, r, seg) = map_customer(cats, m, row, as_of)?;
            let id = match &r[0] {
                V::S(Some(id)) => id.clone(),
                _ => unreachable!("customer id is required"),
            };
            check_duplicate(&id)?;
            customers.insert(id, seg);
            tables.get_mut(&Table::Customers).unwrap().push(p, r);
        }
        Table::Benchmarks => {
            let period = m.parsed(row, "period", parse::month)?.expect("required");
            let value = m.parsed(row, "value", parse::number)?.ok_or_else(|| {
                let (i, c) = m.cell(row, "value").unwrap();
                m.err(RejectCode::MissingValue, i, c, "value is empty".into())
            })?;
            tables.get_mut(&Table::Benchmarks).unwrap().push(
                period,
                vec![
                    V::S(Some(m.required_text(row, "measure")?)),
                    V::S(Some(m.required_text(row, "reference")?)),
                    V::F(Some(value)),
                    V::F(m.parsed(row, "scale_min", parse::number)?),
                    V::F(m.parsed(row, "scale_max", parse::number)?),
                ],
            );
        }
        Table::Actions => {
            let id = m.required_text(row, "action_id")?;
            check_duplicate(&id)?;
            let opened = m.parsed(row, "opened", parse::date)?.ok_or_else(|| {
                let (i, c) = m.cell(row, "opened").unwrap();
                m.err(
                    RejectCode::MissingValue,
                    i,
                    c,
                    "opened is empty; every action needs its start date".into(),
                )
            })?;
            let closed = m.parsed(row, "closed", parse::date)?;
            if let Some(c) = closed.filter(|c| *c < opened) {
                let (i, cell) = m.cell(row, "closed").unwrap();
                return Err(m.err(
                    RejectCode::TimeOrder,
                    i,
                    cell,
                    format!("closed {c} is before opened {opened}"),
                ));
            }
            let store = m.segment(row, "store", cats)?;
            let region = store
                .as_ref()
                .and_then(|s| cats.region_of_store.get(s).cloned());
            tables.get_mut(&Table::Actions).unwrap().push(
                Period::of_date(opened),
                vec![
                    V::S(Some(id)),
                    V::S(Some(m.required_text(row, "title")?)),
                    V::S(m.text(row, "measure")),
                    V::S(region),
                    V::S(store),
                    V::S(m.text(row, "owner")),
                    V::D(Some(opened)),
                    V::D(closed),
                    V::S(m.text(row, "status")),
                ],
            );
        }
        Table::Comments => unreachable!("no source kind maps to comments directly"),
    }
    Ok(())
}

struct ResponseRows {
    id: String,
    period: Period,
    answers: Vec<Vec<V>>,
    comments: Vec<Vec<V>>,
}

fn map_response(
    cfg: &Config,
    cats: &Catalogs,
    m: &Mapped,
    row: &RawRow,
    as_of: NaiveDate,
    customers: &HashMap<String, CustomerSegments>,
) -> RowResult<ResponseRows> {
    let id = m.required_text(row, "response_id")?;
    let time = m.required_time(row, "survey_time", as_of)?;
    let customer_id = m.text(row, "customer_id");
    let known = customer_id.as_ref().and_then(|c| customers.get(c));
    let mut store = m.segment(row, "store", cats)?;
    if store.is_none() {
        store = known.and_then(|k| k.store.clone());
    }
    let region = match m.segment(row, "region", cats)? {
        Some(r) => Some(r),
        None => store
            .as_ref()
            .and_then(|s| cats.region_of_store.get(s).cloned())
            .or_else(|| known.and_then(|k| k.region.clone())),
    };
    let tier = match m.segment(row, "tier", cats)? {
        Some(t) => Some(t),
        None => known.and_then(|k| k.tier.clone()),
    };
    let product_line = m.segment(row, "product_line", cats)?;
    let brand = m
        .segment(row, "brand", cats)?
        .unwrap_or_else(|| "ours".into());
    let channel = match m.segment(row, "channel", cats)? {
        Some(c) => Some(c),
        None => m.src.channel.clone(),
    };
    let interviewer = m.text(row, "interviewer");
    let weight = m.parsed(row, "weight", parse::number)?.unwrap_or(1.0);
    if !(weight > 0.0) {
        let (i, c) = m.cell(row, "weight").unwrap();
        return Err(m.err(
            RejectCode::BadWeight,
            i,
            c,
            "a weight must be positive".into(),
        ));
    }
    let s = |v: &Option<String>| V::S(v.clone());
    let mut answers = Vec::new();
    let mut comments = Vec::new();
    for (item, i) in &m.items {
        let cell = row.cells.get(*i).unwrap_or(&Cell::Empty);
        let text = cell.as_text();
        if m.src.missing.iter().any(|miss| miss == text.trim()) {
            continue;
        }
        if item.role == Role::Comment {
            comments.push(vec![
                V::S(Some(id.clone())),
                s(&customer_id),
                V::S(Some(m.src.name.clone())),
                s(&channel),
                V::T(Some(time)),
                s(&region),
                s(&store),
                V::S(Some(item.id.clone())),
                V::S(Some(text.trim().to_string())),
            ]);
            continue;
        }
        let score = parse::number(cell).map_err(|e| m.err(RejectCode::NotANumber, *i, cell, e))?;
        let Some(score) = score else { continue };
        if score < item.min || score > item.max {
            return Err(m.err(
                RejectCode::OutOfScale,
                *i,
                cell,
                format!(
                    "score {score} is outside the {}–{} scale of item {}",
                    item.min, item.max, item.id
                ),
            ));
        }
        answers.push(vec![
            V::S(Some(id.clone())),
            s(&customer_id),
            V::S(Some(m.src.name.clone())),
            s(&channel),
            V::T(Some(time)),
            s(&region),
            s(&store),
            s(&tier),
            s(&product_line),
            V::S(Some(brand.clone())),
            s(&interviewer),
            V::S(Some(item.id.clone())),
            V::F(Some(score)),
            V::F(Some(weight)),
        ]);
    }
    if answers.is_empty() && comments.is_empty() {
        let (i, c) = m.cell(row, "response_id").unwrap();
        return Err(m.err(
            RejectCode::NoAnswer,
            i,
            c,
            "no questionnaire item answered".into(),
        ));
    }
    let _ = cfg;
    Ok(ResponseRows {
        id,
        period: Period::of_date(time.date()),
        answers,
        comments,
    })
}

fn map_complaint(
    cats: &Catalogs,
    m: &Mapped,
    row: &RawRow,
    as_of: NaiveDate,
    customers: &HashMap<String, CustomerSegments>,
) -> RowResult<(Period, Vec<V>)> {
    let id = m.required_text(row, "complaint_id")?;
    let received = m.required_time(row, "received_at", as_of)?;
    let category = m.required_text(row, "category")?;
    let customer_id = m.text(row, "customer_id");
    let first = m.time(row, "first_response_at", as_of)?;
    let closed = m.time(row, "closed_at", as_of)?;
    for (field, t) in [("first_response_at", first), ("closed_at", closed)] {
        if let Some(t) = t.filter(|t| *t < received) {
            let (i, c) = m.cell(row, field).unwrap();
            return Err(m.err(
                RejectCode::TimeOrder,
                i,
                c,
                format!("{field} {t} is before the complaint was received ({received})"),
            ));
        }
    }
    let mut store = m.segment(row, "store", cats)?;
    if store.is_none() {
        store = customer_id
            .as_ref()
            .and_then(|c| customers.get(c))
            .and_then(|k| k.store.clone());
    }
    let region = store
        .as_ref()
        .and_then(|s| cats.region_of_store.get(s).cloned());
    let hs = m.parsed(row, "handling_satisfaction", parse::number)?;
    Ok((
        Period::of_date(received.date()),
        vec![
            V::S(Some(id)),
            V::S(customer_id),
            V::S(Some(m.src.name.clone())),
            V::T(Some(received)),
            V::S(m.text(row, "channel")),
            V::S(Some(category)),
            V::S(m.text(row, "severity")),
            V::S(region),
            V::S(store),
            V::T(first),
            V::T(closed),
            V::S(m.text(row, "status")),
            V::F(m.parsed(row, "compensation", parse::number)?),
            V::F(hs),
        ],
    ))
}

fn map_customer(
    cats: &Catalogs,
    m: &Mapped,
    row: &RawRow,
    as_of: NaiveDate,
) -> RowResult<(Period, Vec<V>, CustomerSegments)> {
    let id = m.required_text(row, "customer_id")?;
    let store = m.segment(row, "store", cats)?.ok_or_else(|| {
        let (i, c) = m.cell(row, "store").unwrap();
        m.err(
            RejectCode::MissingValue,
            i,
            c,
            "store is empty; every customer belongs to a store".into(),
        )
    })?;
    let region = cats.region_of_store.get(&store).cloned();
    let tier = m.segment(row, "tier", cats)?;
    let first = m.parsed(row, "first_purchase", parse::date)?;
    let last = m.parsed(row, "last_purchase", parse::date)?;
    let churn_date = m.parsed(row, "churn_date", parse::date)?;
    let churned = m
        .parsed(row, "churned", parse::flag)?
        .or(churn_date.map(|_| true));
    if let (Some(f), Some(c)) = (first, churn_date) {
        if c < f {
            let (i, cell) = m.cell(row, "churn_date").unwrap();
            return Err(m.err(
                RejectCode::TimeOrder,
                i,
                cell,
                format!("churn date {c} is before the first purchase {f}"),
            ));
        }
    }
    for (field, d) in [
        ("first_purchase", first),
        ("last_purchase", last),
        ("churn_date", churn_date),
    ] {
        if let Some(d) = d.filter(|d| *d > as_of) {
            let (i, cell) = m.cell(row, field).unwrap();
            return Err(m.err(
                RejectCode::InTheFuture,
                i,
                cell,
                format!("{field} {d} is after the analysis date {as_of}"),
            ));
        }
    }
    // A customer file is a snapshot: its month is the configured one, else the analysis month.
    let period = m.src.snapshot.unwrap_or_else(|| Period::of_date(as_of));
    let seg = CustomerSegments {
        store: Some(store.clone()),
        region: region.clone(),
        tier: tier.clone(),
    };
    Ok((
        period,
        vec![
            V::S(Some(id)),
            V::S(region),
            V::S(Some(store)),
            V::S(tier),
            V::D(first),
            V::D(last),
            V::B(churned),
            V::D(churn_date),
            V::F(m.parsed(row, "value", parse::number)?),
        ],
        seg,
    ))
}

/// Rejects as a table (for `data/lake/_rejects/`).
pub fn rejects_frame(rejects: &[Reject]) -> Result<DataFrame, IngestError> {
    let s =
        |f: &dyn Fn(&Reject) -> String| Values::Str(rejects.iter().map(|r| Some(f(r))).collect());
    frame::build(vec![
        ("source", ColType::Cat, s(&|r| r.source.clone())),
        ("file", ColType::Cat, s(&|r| r.file.clone())),
        (
            "line",
            ColType::I64,
            Values::I64(rejects.iter().map(|r| Some(r.line as i64)).collect()),
        ),
        ("column", ColType::Str, s(&|r| r.column.clone())),
        ("code", ColType::Cat, s(&|r| r.code.as_str().to_string())),
        ("value", ColType::Str, s(&|r| r.value.clone())),
        ("reason", ColType::Str, s(&|r| r.reason.clone())),
    ])
    .map_err(|e| IngestError::Frame {
        table: "_rejects",
        message: e.to_string(),
    })
}

/// The per-file ledger as a table (for `data/lake/_ledger/files.parquet`).
pub fn ledger_frame(ledger: &[FileLedger]) -> Result<DataFrame, IngestError> {
    let s = |f: &dyn Fn(&FileLedger) -> String| {
        Values::Str(ledger.iter().map(|r| Some(f(r))).collect())
    };
    let n = |f: &dyn Fn(&FileLedger) -> usize| {
        Values::I64(ledger.iter().map(|r| Some(f(r) as i64)).collect())
    };
    frame::build(vec![
        ("source", ColType::Str, s(&|r| r.source.clone())),
        ("kind", ColType::Str, s(&|r| r.kind.clone())),
        ("file", ColType::Str, s(&|r| r.file.clone())),
        ("encoding", ColType::Str, s(&|r| r.encoding.clone())),
        ("rows_read", ColType::I64, n(&|r| r.rows_read)),
        ("accepted", ColType::I64, n(&|r| r.accepted)),
        ("rejected", ColType::I64, n(&|r| r.rejected)),
    ])
    .map_err(|e| IngestError::Frame {
        table: "_ledger",
        message: e.to_string(),
    })
}
