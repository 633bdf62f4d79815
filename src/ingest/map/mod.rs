//! Row mapping: one raw row of a source → canonical rows, or a reject with its reason.
//!
//! The mapping is declarative: `[sources.columns]` names the header of each canonical
//! field (a platform preset supplies its id and time columns), `[sources.items]` the column
//! of each questionnaire item. Values are normalised through catalogues (stores, tiers, …),
//! value maps, time zones and the privacy rules.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};

use crate::zone::Zone;

use super::preset::Layout;
use super::privacy::Privacy;
use super::read::{Cell, RawRow};
use super::rows::Canonical;
use super::{overlap, parse, values, IngestError, RejectCode, V};
use crate::config::{Config, Dated, Item, Role, Source};
use crate::period::Period;
use crate::schema::rows::{Action, Benchmark, Comment, Complaint, Customer, Response};
use crate::schema::{self, FieldType, Table};

pub use crate::schema::LINE;

mod columns;
use columns::Columns;
mod tables;

/// Lookup of segment values: a catalogue entry's id, Chinese name, English name or alias
/// (trimmed, ASCII case ignored) → its id.
pub struct Catalogs {
    by_segment: HashMap<String, HashMap<String, String>>,
    pub region_of_store: HashMap<String, String>,
}

fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

impl Catalogs {
    pub fn new(cfg: &Config) -> Catalogs {
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
            Some(m) => m.get(&key(v)).cloned().map(Some).ok_or_else(|| {
                format!("unknown {segment} `{v}`: not in [[catalog.{segment}]]; add it there (or as an alias) or correct the row")
            }),
        }
    }
}

/// What a customer record contributes to responses that carry only the customer id (the
/// values shared between customers: a customer file of a million rows holds a dozen stores).
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerSegments {
    pub store: Option<Arc<str>>,
    pub region: Option<Arc<str>>,
    pub tier: Option<Arc<str>>,
    /// The custom segments (`[[fields]]` of type segment), in their declared order.
    pub extra: Vec<Option<Arc<str>>>,
}

/// Customer id (as stored, i.e. hashed) → segments.
pub type Customers =
    HashMap<compact_str::CompactString, CustomerSegments, foldhash::fast::FixedState>;

/// Everything the mapping of one file needs besides the file.
pub struct Context<'a> {
    pub cfg: &'a Config,
    pub cats: &'a Catalogs,
    pub privacy: &'a Privacy,
    pub as_of: NaiveDate,
    pub customers: &'a Customers,
}

/// A row's failure: the column (header) and value at fault, and why.
#[derive(Debug, Clone)]
pub struct RowError {
    pub code: RejectCode,
    pub column: String,
    pub value: String,
    pub reason: String,
}

type RowResult<T> = Result<T, RowError>;

/// The canonical rows one raw row became.
#[derive(Debug, Clone, Default)]
pub struct Mapped {
    pub rows: Vec<(Period, Canonical)>,
    /// Set for customer rows: (stored id, segments).
    pub customer: Option<(String, CustomerSegments)>,
    /// The row's own id (response, complaint, customer, action), for duplicate checks.
    pub id: Option<(String, usize)>,
    /// When the row happened (a response's time, a complaint's receipt, an action's
    /// opening), where it has a time of its own.
    pub time: Option<NaiveDateTime>,
    /// Answers rejected on their own (not a number, outside the scale) while the row's
    /// other answers count.
    pub answer_rejects: Vec<RowError>,
}

/// The time that dates every row of `path` when its source has no date column: the
/// configured day, or the first day of the configured month or of the month in the file's
/// name. A month in the name that cannot be read, or a day after the analysis date, is the
/// file's error.
fn fixed_date(
    src: &Source,
    path: &std::path::Path,
    as_of: NaiveDate,
) -> Result<Option<NaiveDateTime>, IngestError> {
    let err = |message: String| IngestError::File {
        source_name: src.name.clone(),
        path: path.to_path_buf(),
        message,
    };
    let day = match src.dated {
        None => return Ok(None),
        Some(Dated::Date(d)) => d,
        Some(Dated::Month(m)) => m.first_day(),
        Some(Dated::FromFileName) => {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            parse::month_in_name(&name).map_err(err)?.first_day()
        }
    };
    if day > as_of {
        return Err(err(format!("the source dates its rows {day}, after the analysis date {as_of}; fix the source's date/period (or the file name), or pass --as-of")));
    }
    Ok(Some(day.and_time(chrono::NaiveTime::MIN)))
}

/// A source's file with its columns resolved.
pub struct FileMap<'a> {
    src: &'a Source,
    layout: &'a Layout,
    fields: BTreeMap<&'static str, (usize, FieldType)>,
    items: Vec<(&'a Item, usize)>,
    /// The items' ids, shared by every answer that stores them.
    item_ids: Vec<Rc<str>>,
    /// The custom columns of this file's table, with the column that holds each, if any.
    custom: Vec<(&'a crate::config::CustomField, Option<usize>)>,
    /// Added to every timestamp: the workspace zone minus the file's zone.
    zones: Option<(Zone, Zone)>,
    /// The zone its times were taken to be in when the export, which usually says, did not.
    zone_assumed: Option<String>,
    /// The time of every row of a file without dates (the source's `date`/`period`, or
    /// the month of the file's name), at 00:00 of the day or of the month's first day.
    fixed: Option<NaiveDateTime>,
    /// Fields mapped to `@line`: files without an id column use the line number.
    line_ids: Vec<&'static str>,
    /// The columns of the source's `key`, if it has one.
    key: Vec<usize>,
}

impl<'a> FileMap<'a> {
    /// Resolve the mapping of `src` against a file's layout; a mapped header that the file
    /// lacks, or a required field nobody maps, is an error naming the file and the fix.
    pub fn new(
        cfg: &'a Config,
        src: &'a Source,
        layout: &'a Layout,
        path: &std::path::Path,
        as_of: NaiveDate,
    ) -> Result<FileMap<'a>, IngestError> {
        let cols = Columns::new(src, layout, path);
        let fixed = fixed_date(src, path, as_of)?;
        let (fields, line_ids) = cols.fields(fixed.is_some())?;
        let mut items = Vec::new();
        for (id, h) in &src.items {
            let item = cfg.item(id).expect("validated item id");
            items.push((item, cols.unique_column(h, format!("item `{id}`"))?));
        }
        let key = src
            .key
            .iter()
            .map(|h| {
                layout
                    .find(h)
                    .ok_or_else(|| cols.missing(h, "the source's key".to_string()))
            })
            .collect::<Result<Vec<usize>, _>>()?;
        let file_zone = match (&src.timezone, &layout.timezone) {
            (Some(z), _) => *z,
            (None, Some(Ok(z))) => *z,
            (None, Some(Err(e))) => return Err(cols.error(e.clone())),
            (None, None) => cfg.timezone,
        };
        // A Qualtrics export usually says its zone; one that does not is read in the
        // workspace's zone, and the ledger (and the report's appendix) says so.
        let zone_assumed = (src.timezone.is_none()
            && layout.timezone.is_none()
            && layout.preset == super::preset::Preset::Qualtrics)
            .then(|| cfg.timezone.name());
        // Local times of the file's zone → local times of the workspace's zone, each on its
        // own date (zones with daylight saving time change their offset during the year).
        let zones = (file_zone != cfg.timezone).then_some((file_zone, cfg.timezone));
        let item_ids = items
            .iter()
            .map(|(it, _)| Rc::from(it.id.as_str()))
            .collect();
        let mut custom = Vec::new();
        for (id, _) in cfg.extra_columns(src.kind.table()) {
            let f = cfg.field(&id).expect("extra columns are fields");
            let col = match src.columns.get(&id) {
                Some(h) => Some(cols.unique_column(h, format!("field `{id}`"))?),
                None => None,
            };
            custom.push((f, col));
        }
        Ok(FileMap {
            src,
            layout,
            fields,
            items,
            item_ids,
            fixed,
            zones,
            zone_assumed,
            custom,
            line_ids,
            key,
        })
    }

    /// What the ledger should say about the file's time zone, if anything.
    pub fn zone_note(&self) -> Option<String> {
        self.zone_assumed.as_ref().map(|z| {
            format!("the export names no time zone: its times are read as {z} (the workspace's); set the source's timezone if they are in another zone")
        })
    }

    /// Canonical field → the header it was mapped to (for `csat validate`).
    pub fn describe(&self) -> Vec<(String, String)> {
        let h = |i: usize| self.layout.headers.get(i).cloned().unwrap_or_default();
        let dated = self.fixed.and_then(|t| {
            let field = schema::time_field(self.src.kind)?;
            Some((
                field.to_string(),
                format!(
                    "(no column: every row dated {} by the source's date/period)",
                    t.date()
                ),
            ))
        });
        self.fields
            .iter()
            .map(|(f, (i, _))| (f.to_string(), h(*i)))
            .chain(dated)
            .chain(self.items.iter().map(|(it, i)| (it.id.clone(), h(*i))))
            .collect()
    }

    fn code_of(&self, field: &str) -> RejectCode {
        match self.fields.get(field).map(|f| f.1) {
            Some(FieldType::Time | FieldType::Date | FieldType::Month) => RejectCode::BadDate,
            Some(FieldType::Number) => RejectCode::NotANumber,
            Some(FieldType::Flag) => RejectCode::BadFlag,
            _ => RejectCode::UnknownValue,
        }
    }

    fn header(&self, i: usize) -> String {
        self.layout.headers.get(i).cloned().unwrap_or_default()
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

    /// An error about a field that must exist because it is required or was just read.
    fn field_err(&self, row: &RawRow, field: &str, code: RejectCode, reason: String) -> RowError {
        let (i, c) = self.cell(row, field).unwrap_or((0, &Cell::Empty));
        self.err(code, i, c, reason)
    }

    fn text(&self, row: &RawRow, field: &str) -> Option<String> {
        if self.line_ids.contains(&field) {
            return Some(format!("L{}", row.line));
        }
        self.cell(row, field)
            .map(|(_, c)| c.text().trim().to_string())
            .filter(|s| !s.is_empty())
    }

    fn required_text(&self, row: &RawRow, field: &str) -> RowResult<String> {
        self.text(row, field).ok_or_else(|| {
            self.field_err(
                row,
                field,
                RejectCode::MissingValue,
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
        let t = self
            .parsed(row, field, parse::time)?
            .map(|t| match self.zones {
                Some((from, to)) => to.local_of(from.utc_of(t)),
                None => t,
            });
        if let Some(t) = t.filter(|t| t.date() > as_of) {
            return Err(self.field_err(
                row,
                field,
                RejectCode::InTheFuture,
                format!("{field} {t} is after the analysis date {as_of}"),
            ));
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
            self.field_err(
                row,
                field,
                RejectCode::MissingValue,
                format!("{field} is empty; every row needs one"),
            )
        })
    }

    fn date(&self, row: &RawRow, field: &str, as_of: NaiveDate) -> RowResult<Option<NaiveDate>> {
        let d = self.parsed(row, field, parse::date)?;
        if let Some(d) = d.filter(|d| *d > as_of) {
            return Err(self.field_err(
                row,
                field,
                RejectCode::InTheFuture,
                format!("{field} {d} is after the analysis date {as_of}"),
            ));
        }
        Ok(d)
    }

    fn segment(&self, row: &RawRow, field: &str, cats: &Catalogs) -> RowResult<Option<String>> {
        match self.cell(row, field) {
            None => Ok(None),
            Some((i, c)) => cats
                .normalise(field, &c.text())
                .map_err(|e| self.err(RejectCode::UnknownValue, i, c, e)),
        }
    }

    /// The values of the custom columns of a row, in their declared order: a segment through
    /// its catalogue (when one exists), from the customer file when the row lacks it; a
    /// number parsed.
    fn custom_values(
        &self,
        ctx: &Context,
        row: &RawRow,
        known: Option<&CustomerSegments>,
    ) -> RowResult<Vec<V>> {
        let mut seg_i = 0;
        let mut out = Vec::with_capacity(self.custom.len());
        for (f, col) in &self.custom {
            let cell = col.map(|i| (i, row.cells.get(i).unwrap_or(&Cell::Empty)));
            match f.kind {
                crate::config::FieldKind::Segment => {
                    let own = match cell {
                        Some((i, c)) => ctx
                            .cats
                            .normalise(&f.id, &c.text())
                            .map_err(|e| self.err(RejectCode::UnknownValue, i, c, e))?,
                        None => None,
                    };
                    let borrowed = || {
                        known
                            .and_then(|k| k.extra.get(seg_i).cloned().flatten())
                            .map(|v| v.to_string())
                    };
                    out.push(V::S(own.or_else(borrowed)));
                    seg_i += 1;
                }
                crate::config::FieldKind::Number => {
                    let v = match cell {
                        Some((i, c)) => parse::number(c)
                            .map_err(|e| self.err(RejectCode::NotANumber, i, c, e))?,
                        None => None,
                    };
                    out.push(V::F(v));
                }
            }
        }
        Ok(out)
    }

    /// A cell that means "no answer": the source's codes, then the item's own.
    fn is_missing(&self, cell: &Cell, item: &Item) -> bool {
        let t = cell.text();
        let t = t.trim();
        self.src.missing.iter().any(|m| m == t) || item.missing.iter().any(|m| m == t)
    }

    /// Map one raw row.
    pub fn map_row(&self, ctx: &Context, row: &RawRow) -> RowResult<Mapped> {
        match self.src.kind.table() {
            Table::Responses => self.response(ctx, row),
            Table::Complaints => self.complaint(ctx, row),
            Table::Customers => self.customer(ctx, row),
            Table::Benchmarks => self.benchmark(row),
            Table::Actions => self.action(ctx, row),
            Table::Comments | Table::Invitations => {
                unreachable!("no source kind maps to {:?}", self.src.kind)
            }
        }
    }

    /// What identifies `row` (mapped as `m`) among the files of its source: the configured
    /// key's cells, else its own id (a line number is not one: line 5 of one export is not
    /// line 5 of the next), else every mapped cell (for a benchmark, its measure and
    /// reference: a corrected value replaces the old one).
    pub fn identity<'r>(&self, row: &'r RawRow, m: &'r Mapped) -> overlap::Identity<'r> {
        let at = |i: usize| row.cells.get(i).unwrap_or(&Cell::Empty);
        if !self.key.is_empty() {
            return overlap::Identity::Cells(self.key.iter().map(|i| at(*i)).collect());
        }
        let own = |f: &str| self.fields.contains_key(f);
        match (&m.id, self.src.kind.table()) {
            (Some((id, _)), t) if own(schema::id_field(t)) => overlap::Identity::Id(id),
            (_, Table::Benchmarks) => overlap::Identity::Cells(
                ["measure", "reference"]
                    .iter()
                    .filter_map(|f| self.fields.get(*f))
                    .map(|(i, _)| at(*i))
                    .collect(),
            ),
            _ => overlap::Identity::Cells(
                self.fields
                    .values()
                    .map(|(i, _)| *i)
                    .chain(self.items.iter().map(|(_, i)| *i))
                    .chain(self.custom.iter().filter_map(|(_, c)| *c))
                    .map(at)
                    .collect(),
            ),
        }
    }

    /// The month that scopes a row's key: a customer file's snapshot month and a benchmark's
    /// month, where the same id or measure recurs month after month.
    pub fn key_scope(&self, m: &Mapped) -> Option<Period> {
        matches!(self.src.kind.table(), Table::Customers | Table::Benchmarks)
            .then(|| m.rows.first().map(|(p, _)| *p))
            .flatten()
    }

    /// The error for a row whose id repeats an earlier row's.
    pub fn duplicate(&self, row: &RawRow, id: &str, first_line: usize) -> RowError {
        let field = schema::id_field(self.src.kind.table());
        self.field_err(
            row,
            field,
            RejectCode::DuplicateId,
            format!("duplicate id `{id}` (first on line {first_line}); keep one of the two rows"),
        )
    }

    /// Whether the column at `i` is a personal identifier (its raw value must not be kept).
    pub fn is_pii_column(&self, i: usize) -> bool {
        ["customer_id", "interviewer"]
            .iter()
            .any(|f| self.fields.get(f).is_some_and(|(c, _)| *c == i))
    }

    pub fn layout(&self) -> &Layout {
        self.layout
    }
}
