//! Canonical rows of one table, held compactly until they are written to the lake.
//!
//! An ingest holds every accepted row until the lake is switched over (superseding decides
//! which file's version of each row counts, and the lake is replaced whole). Held as a `Vec` of
//! owned values per row, 10 million answers took 9.6 GB. Here every column is run-length
//! encoded — the answers of one response are consecutive rows that repeat its id, customer,
//! time, segments and weight, so those cost one run per response, not one value per
//! answer — and strings and numbers are coded into a dictionary per column (a store id or a
//! score is stored once, then as a 4-byte code), so a run costs 8 bytes: about 20 bytes per
//! answer in all. Frames are built one month at a time, when they are written, from the
//! codes (no `String` per row).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use compact_str::CompactString;
use indexmap::IndexSet;

use super::IngestError;
use crate::frame::{self, DataFrame, Values, NULL_CODE};
use crate::period::Period;
use crate::schema::{Cells, ColType, Row, Table, V};

/// A run-length encoded column: `vals[i]` covers rows `ends[i-1]..ends[i]`. Row numbers are
/// `u32`: one ingest holds at most 4 billion rows of a table (about 80 GB of answers, far
/// past what fits in memory anyway).
#[derive(Debug, Clone)]
struct Runs<T> {
    ends: Vec<u32>,
    vals: Vec<T>,
}

impl<T: PartialEq + Clone> Runs<T> {
    fn new() -> Runs<T> {
        Runs {
            ends: Vec::new(),
            vals: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.ends.last().copied().unwrap_or(0) as usize
    }

    /// Add `count` rows of `v`, extending the last run when it has the same value.
    fn push_n(&mut self, v: T, count: usize) {
        if count == 0 {
            return;
        }
        let end = u32::try_from(self.len() + count).expect("fewer than 2^32 rows in a table");
        match (self.vals.last(), self.ends.last_mut()) {
            (Some(last), Some(e)) if *last == v => *e = end,
            _ => {
                self.vals.push(v);
                self.ends.push(end);
            }
        }
    }

    fn last(&self) -> Option<&T> {
        self.vals.last()
    }

    /// Each run as (start, end, value).
    fn iter(&self) -> impl Iterator<Item = (usize, usize, &T)> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().map(|e| *e as usize));
        starts
            .zip(self.ends.iter().map(|e| *e as usize))
            .zip(&self.vals)
            .map(|((s, e), v)| (s, e, v))
    }

    /// The values of the rows in `ranges` (sorted, disjoint), in order.
    fn gather(&self, ranges: &[(usize, usize)]) -> Vec<T> {
        let mut out = Vec::with_capacity(ranges.iter().map(|(a, b)| b - a).sum());
        let mut run = 0;
        for &(a, b) in ranges {
            let mut row = a;
            while row < b {
                while (self.ends[run] as usize) <= row {
                    run += 1;
                }
                let upto = (self.ends[run] as usize).min(b);
                out.extend(std::iter::repeat_n(self.vals[run].clone(), upto - row));
                row = upto;
            }
        }
        out
    }

    /// Keep only the rows in `ranges` (sorted, disjoint).
    fn select(&mut self, ranges: &[(usize, usize)]) {
        let mut out = Runs::new();
        let mut runs = self.iter().peekable();
        for &(a, b) in ranges {
            while let Some(&(s, e, v)) = runs.peek() {
                if s >= b {
                    break;
                }
                out.push_n(v.clone(), e.min(b).saturating_sub(s.max(a)));
                if e > b {
                    break;
                }
                runs.next();
            }
        }
        drop(runs);
        *self = out;
    }

    fn shrink(&mut self) {
        self.ends.shrink_to_fit();
        self.vals.shrink_to_fit();
    }
}

/// A fast, fixed (so deterministic) hash for the dictionaries; they only look values up,
/// their order is the order of first appearance.
type Hash = foldhash::fast::FixedState;

/// The distinct values of one column, each coded by its index (order of first appearance).
/// Strings up to 24 bytes (ids, hashed ids, stores, items) are stored inline.
#[derive(Debug, Clone, Default)]
struct Dict<K>(IndexSet<K, Hash>);

impl Dict<CompactString> {
    fn code(&mut self, s: &str) -> u32 {
        let i = match self.0.get_index_of(s) {
            Some(i) => i,
            None => self.0.insert_full(CompactString::new(s)).0,
        };
        u32::try_from(i).expect("fewer than 2^32 distinct values in a column")
    }

    fn get(&self, code: u32) -> Option<&str> {
        (code != NULL_CODE).then(|| self.0[code as usize].as_str())
    }
}

impl Dict<u64> {
    /// The code of a number, by its bits (so every value is kept exactly as parsed).
    fn code(&mut self, x: Option<f64>) -> u32 {
        let Some(x) = x else {
            return NULL_CODE;
        };
        let i = self.0.insert_full(x.to_bits()).0;
        u32::try_from(i).expect("fewer than 2^32 distinct values in a column")
    }

    fn get(&self, code: u32) -> Option<f64> {
        (code != NULL_CODE).then(|| f64::from_bits(self.0[code as usize]))
    }
}

/// The canonical rows of one raw row in one table: `n` rows given column by column (each
/// column one value for all of them or one value per row), from the table's row type and
/// the source's custom columns.
#[derive(Debug, Clone)]
pub struct Canonical {
    pub table: Table,
    pub n: usize,
    pub cells: Vec<Cells>,
}

impl Canonical {
    /// `row` with the values of the custom columns of its table appended (in their order).
    pub fn of<R: Row>(row: R, custom: Vec<V>) -> Canonical {
        let n = row.rows();
        let mut cells = row.cells();
        cells.extend(custom.into_iter().map(Cells::Same));
        Canonical {
            table: R::TABLE,
            n,
            cells,
        }
    }
}

/// One column in the shape of its [`ColType`].
#[derive(Debug, Clone)]
enum Col {
    Str(Runs<u32>, Dict<CompactString>),
    F64(Runs<u32>, Dict<u64>),
    I64(Runs<Option<i64>>),
    Bool(Runs<Option<bool>>),
    Date(Runs<Option<NaiveDate>>),
    Time(Runs<Option<NaiveDateTime>>),
}

impl Col {
    fn new(ty: ColType) -> Col {
        match ty {
            ColType::Str | ColType::Cat => Col::Str(Runs::new(), Dict::default()),
            ColType::F64 => Col::F64(Runs::new(), Dict::default()),
            ColType::I64 => Col::I64(Runs::new()),
            ColType::Bool => Col::Bool(Runs::new()),
            ColType::Date => Col::Date(Runs::new()),
            ColType::Time => Col::Time(Runs::new()),
        }
    }

    /// Add `n` rows of one value; gives it back when its type is not the column's.
    fn push(&mut self, v: V, n: usize) -> Result<(), V> {
        fn string(r: &mut Runs<u32>, d: &mut Dict<CompactString>, s: Option<&str>, n: usize) {
            // The same value as the row above (a response's answers) needs no lookup.
            let code = match (r.last(), s) {
                (Some(c), s) if d.get(*c) == s => *c,
                (_, Some(s)) => d.code(s),
                (_, None) => NULL_CODE,
            };
            r.push_n(code, n);
        }
        match (self, v) {
            (Col::Str(r, d), V::S(s)) => string(r, d, s.as_deref(), n),
            (Col::Str(r, d), V::R(s)) => string(r, d, s.as_deref(), n),
            (Col::F64(r, d), V::F(x)) => {
                let code = match r.last() {
                    Some(c) if d.get(*c).map(f64::to_bits) == x.map(f64::to_bits) => *c,
                    _ => d.code(x),
                };
                r.push_n(code, n)
            }
            (Col::I64(r), V::I(x)) => r.push_n(x, n),
            (Col::Bool(r), V::B(x)) => r.push_n(x, n),
            (Col::Date(r), V::D(x)) => r.push_n(x, n),
            (Col::Time(r), V::T(x)) => r.push_n(x, n),
            (_, v) => return Err(v),
        }
        Ok(())
    }

    fn select(&mut self, ranges: &[(usize, usize)]) {
        match self {
            Col::Str(r, _) | Col::F64(r, _) => r.select(ranges),
            Col::I64(r) => r.select(ranges),
            Col::Bool(r) => r.select(ranges),
            Col::Date(r) => r.select(ranges),
            Col::Time(r) => r.select(ranges),
        }
    }

    /// Give back the memory that growing by doubling left unused.
    fn shrink(&mut self) {
        match self {
            Col::Str(r, _) | Col::F64(r, _) => r.shrink(),
            Col::I64(r) => r.shrink(),
            Col::Bool(r) => r.shrink(),
            Col::Date(r) => r.shrink(),
            Col::Time(r) => r.shrink(),
        }
    }

    /// Append `other` (a column of the same type) below this one.
    fn append(&mut self, other: Col) {
        fn runs<T: PartialEq + Clone>(a: &mut Runs<T>, b: Runs<T>) {
            for (s, e, v) in b.iter() {
                a.push_n(v.clone(), e - s);
            }
        }
        fn recoded(a: &mut Runs<u32>, b: Runs<u32>, remap: &[u32]) {
            for (s, e, v) in b.iter() {
                let c = if *v == NULL_CODE {
                    NULL_CODE
                } else {
                    remap[*v as usize]
                };
                a.push_n(c, e - s);
            }
        }
        match (self, other) {
            (Col::Str(a, da), Col::Str(b, db)) => {
                let remap: Vec<u32> = db.0.iter().map(|s| da.code(s)).collect();
                recoded(a, b, &remap);
            }
            (Col::F64(a, da), Col::F64(b, db)) => {
                let remap: Vec<u32> =
                    db.0.iter()
                        .map(|x| da.code(Some(f64::from_bits(*x))))
                        .collect();
                recoded(a, b, &remap);
            }
            (Col::I64(a), Col::I64(b)) => runs(a, b),
            (Col::Bool(a), Col::Bool(b)) => runs(a, b),
            (Col::Date(a), Col::Date(b)) => runs(a, b),
            (Col::Time(a), Col::Time(b)) => runs(a, b),
            _ => unreachable!("both columns come from the same table's schema"),
        }
    }
}

/// A column ready to be written: string dictionaries shared by the frames of every month.
enum Ready {
    Str(Runs<u32>, std::sync::Arc<[CompactString]>),
    Other(Col),
}

impl Ready {
    fn of(c: Col) -> Ready {
        match c {
            Col::Str(r, d) => Ready::Str(r, d.0.into_iter().collect()),
            other => Ready::Other(other),
        }
    }

    /// The values of the rows in `ranges`, as a frame column's input.
    fn values(&self, ranges: &[(usize, usize)]) -> Values {
        match self {
            Ready::Str(r, dict) => Values::Coded {
                dict: dict.clone(),
                codes: r.gather(ranges),
            },
            Ready::Other(Col::Str(..)) => unreachable!("string columns are Ready::Str"),
            Ready::Other(Col::F64(r, d)) => {
                Values::F64(r.gather(ranges).into_iter().map(|c| d.get(c)).collect())
            }
            Ready::Other(Col::I64(r)) => Values::I64(r.gather(ranges)),
            Ready::Other(Col::Bool(r)) => Values::Bool(r.gather(ranges)),
            Ready::Other(Col::Date(r)) => Values::Date(r.gather(ranges)),
            Ready::Other(Col::Time(r)) => Values::Time(r.gather(ranges)),
        }
    }
}

/// Canonical rows of one table, each with the month it belongs to.
#[derive(Debug, Clone)]
pub struct TableRows {
    pub table: Table,
    /// Columns beyond the table's built-in ones (custom fields), stored before `file_id`.
    extra: Vec<(String, ColType)>,
    periods: Runs<Period>,
    cols: Vec<Col>,
}

impl TableRows {
    pub fn new(table: Table) -> TableRows {
        TableRows::with_extra(table, Vec::new())
    }

    /// Rows of `table` with the columns `extra` besides its built-in ones.
    pub fn with_extra(table: Table, extra: Vec<(String, ColType)>) -> TableRows {
        let mut t = TableRows {
            table,
            extra,
            periods: Runs::new(),
            cols: Vec::new(),
        };
        t.cols = t.columns().iter().map(|(_, ty)| Col::new(*ty)).collect();
        t
    }

    /// The columns in the order rows give them: the built-in ones, the extra ones, then
    /// `file_id` (the lineage, always last).
    pub fn columns(&self) -> Vec<(String, ColType)> {
        let base = self.table.columns();
        let lineage = base.last().filter(|(c, _)| *c == "file_id");
        let own = &base[..base.len() - lineage.map_or(0, |_| 1)];
        own.iter()
            .map(|(c, t)| (c.to_string(), *t))
            .chain(self.extra.iter().cloned())
            .chain(lineage.map(|(c, t)| (c.to_string(), *t)))
            .collect()
    }

    pub fn len(&self) -> usize {
        self.periods.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Add a row, its values in the order of [`Table::columns`]. A row of the wrong shape
    /// is a bug in the mapping, not bad input: it panics (and is reported as an internal
    /// error).
    pub fn push(&mut self, period: Period, row: impl IntoIterator<Item = V>) {
        self.push_group(period, 1, row.into_iter().map(Cells::Same));
    }

    /// Add the lake rows of `row` (a table without lineage or custom columns, whose row
    /// type is all its columns).
    pub fn push_row<R: Row>(&mut self, period: Period, row: R) {
        debug_assert_eq!(R::TABLE, self.table);
        let n = row.rows();
        self.push_group(period, n, row.cells());
    }

    /// Add `n` rows given column by column, in the order of [`Table::columns`] (each column
    /// one value for all `n` rows, or `n` values). A group of the wrong shape is a bug in the
    /// mapping: it panics (and is reported as an internal error).
    pub fn push_group(&mut self, period: Period, n: usize, cols: impl IntoIterator<Item = Cells>) {
        let name = self.table.name();
        let mut k = 0;
        for cells in cols {
            let col = self
                .cols
                .get_mut(k)
                .unwrap_or_else(|| panic!("row shape of {name}"));
            let pushed = match cells {
                Cells::Same(v) => col.push(v, n),
                Cells::Each(vs) => {
                    assert_eq!(vs.len(), n, "group shape of {name}");
                    vs.into_iter().try_for_each(|v| col.push(v, 1))
                }
            };
            if let Err(v) = pushed {
                panic!("column/value type mismatch in {name}: {v:?}");
            }
            k += 1;
        }
        assert_eq!(k, self.cols.len(), "row shape of {name}");
        self.periods.push_n(period, n);
    }

    /// Keep only the rows in `ranges` (sorted, disjoint `[start, end)`).
    pub fn retain_ranges(&mut self, ranges: &[(usize, usize)]) {
        if ranges == [(0, self.len())] {
            return;
        }
        self.periods.select(ranges);
        for c in &mut self.cols {
            c.select(ranges);
        }
    }

    /// Append the rows of `other` (of the same table) below these.
    pub fn append(&mut self, other: TableRows) {
        assert_eq!(self.table, other.table, "appending rows of another table");
        if other.is_empty() {
            return;
        }
        if self.is_empty() {
            *self = other;
            return;
        }
        assert_eq!(
            self.extra, other.extra,
            "rows of one table with other columns"
        );
        for (s, e, p) in other.periods.iter() {
            self.periods.push_n(*p, e - s);
        }
        for (a, b) in self.cols.iter_mut().zip(other.cols) {
            a.append(b);
        }
    }

    /// Give back the memory that growing by doubling left unused (once a file is read).
    pub fn shrink(&mut self) {
        self.periods.shrink();
        for c in &mut self.cols {
            c.shrink();
        }
    }

    /// The months that have rows, oldest first.
    pub fn months(&self) -> Vec<Period> {
        let set: std::collections::BTreeSet<Period> = self.periods.vals.iter().copied().collect();
        set.into_iter().collect()
    }

    /// The row ranges of each month, in row order.
    fn ranges(&self) -> BTreeMap<Period, Vec<(usize, usize)>> {
        let mut out: BTreeMap<Period, Vec<(usize, usize)>> = BTreeMap::new();
        for (s, e, p) in self.periods.iter() {
            out.entry(*p).or_default().push((s, e));
        }
        out
    }

    /// The rows made ready to be written, a month at a time and from any thread.
    pub fn partitions(self) -> Partitions {
        Partitions {
            table: self.table,
            names: self.columns(),
            months: self.ranges(),
            cols: self.cols.into_iter().map(Ready::of).collect(),
        }
    }

    /// One frame per month, rows in input order.
    pub fn into_partitions(self) -> Result<BTreeMap<Period, DataFrame>, IngestError> {
        let parts = self.partitions();
        parts
            .months()
            .map(|(p, _)| Ok((p, parts.frame(p)?)))
            .collect()
    }
}

/// A table's rows ready to be written: the frame of any month, built when asked for (only
/// the months being written exist as frames at once).
pub struct Partitions {
    table: Table,
    names: Vec<(String, ColType)>,
    months: BTreeMap<Period, Vec<(usize, usize)>>,
    cols: Vec<Ready>,
}

impl Partitions {
    /// The months that have rows, oldest first, with their number of rows.
    pub fn months(&self) -> impl Iterator<Item = (Period, usize)> + '_ {
        self.months
            .iter()
            .map(|(p, r)| (*p, r.iter().map(|(a, b)| b - a).sum()))
    }

    /// The frame of month `p` (empty if it has no rows), rows in input order.
    pub fn frame(&self, p: Period) -> Result<DataFrame, IngestError> {
        let ranges = self.months.get(&p).map(Vec::as_slice).unwrap_or(&[]);
        let cols = self
            .names
            .iter()
            .zip(&self.cols)
            .map(|((n, t), c)| (n.as_str(), *t, c.values(ranges)))
            .collect();
        frame::build(cols).map_err(|e| IngestError::Frame {
            table: self.table.name(),
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests;
