//! Overlapping files of one source: which rows count.
//!
//! People export "since last time", weekly, or the whole month again, so the files of a
//! source overlap. A row is identified by its key ([`RowKey`]: the row's own id, the
//! configured `key` headers, or its mapped cells), not by the file it is in: the files of a
//! source are merged, each row counting once in its newest version (the newest file that has
//! it), and a row that only an older file has is kept. Rows given up for a newer version are
//! `superseded` in the ledger. An older file's row that falls within a newer file's time span
//! but is missing from it (the platform deleted it, or the newer export was filtered) is kept
//! and warned about, naming the newer file; a source whose every export is the complete
//! month sets `overlap = "replace-month"`, and a newer file then replaces each month it has
//! rows in.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use xxhash_rust::xxh3::xxh3_128;

use super::read::Cell;
use super::{Accepted, FileResult};
use crate::period::Period;
use crate::schema::Table;

/// What identifies a row among the files of its source (only ever held in memory).
pub enum Identity<'r> {
    /// The row's own id (response, complaint, customer, action id), unique within a file.
    Id(&'r str),
    /// The cells of the configured `key` headers, or every mapped cell when the row has no
    /// id of its own: the n-th row with the same cells in a file is the n-th such row in
    /// another, so two equal rows stay two.
    Cells(Vec<&'r Cell>),
}

/// Turns identities into 128-bit keys (xxh3: collisions among 10^9 rows have a probability
/// near 10^-21), counting repeated cell identities within one file.
#[derive(Default)]
pub struct Keyer {
    seen: HashMap<u128, u32, foldhash::fast::FixedState>,
    buf: Vec<u8>,
}

impl Keyer {
    /// The key of a row with `identity`; `scope` (the snapshot month of a customer file, the
    /// month of a benchmark) is part of the key where the same id recurs month after month.
    pub fn key(&mut self, identity: &Identity, scope: Option<Period>) -> u128 {
        self.buf.clear();
        if let Some(p) = scope {
            self.buf.extend_from_slice(p.to_string().as_bytes());
            self.buf.push(0x1e);
        }
        match identity {
            Identity::Id(id) => {
                self.buf.push(b'i');
                self.buf.extend_from_slice(id.as_bytes());
                xxh3_128(&self.buf)
            }
            Identity::Cells(cells) => {
                self.buf.push(b'c');
                for c in cells {
                    self.buf.extend_from_slice(c.text().trim().as_bytes());
                    self.buf.push(0x1f);
                }
                let base = xxh3_128(&self.buf);
                let n = self.seen.entry(base).or_insert(0);
                *n += 1;
                if *n == 1 {
                    base
                } else {
                    let mut again = base.to_le_bytes().to_vec();
                    again.extend_from_slice(&n.to_le_bytes());
                    xxh3_128(&again)
                }
            }
        }
    }
}

/// Where every accepted raw row of a file went: its key, its time (the first day of its
/// month, 00:00, when the row has no time of its own), and how many rows each table and the
/// customer list had after it, so that any set of raw rows can be kept or let go.
#[derive(Default)]
pub struct Marks {
    keys: Vec<u128>,
    times: Vec<NaiveDateTime>,
    ends: BTreeMap<Table, Vec<u32>>,
    customer_ends: Vec<u32>,
}

impl Marks {
    /// Record the raw row just added to `tables` and the customer list.
    pub(super) fn record(
        &mut self,
        key: u128,
        at: NaiveDateTime,
        tables: &BTreeMap<Table, super::TableRows>,
        customers: usize,
    ) {
        let i = self.keys.len();
        self.keys.push(key);
        self.times.push(at);
        for (table, rows) in tables {
            let e = self.ends.entry(*table).or_insert_with(|| vec![0; i]);
            e.push(rows.len() as u32);
        }
        self.customer_ends.push(customers as u32);
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The earliest and latest time of the file's rows.
    fn span(&self) -> Option<(NaiveDateTime, NaiveDateTime)> {
        let lo = self.times.iter().min()?;
        Some((*lo, *self.times.iter().max()?))
    }
}

/// The row ranges `[start, end)` of the raw rows kept, merged where they touch.
fn ranges(ends: &[u32], keep: &[bool]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut start = 0usize;
    for (end, k) in ends.iter().map(|e| *e as usize).zip(keep) {
        if *k && end > start {
            match out.last_mut() {
                Some(last) if last.1 == start => last.1 = end,
                _ => out.push((start, end)),
            }
        }
        start = end;
    }
    out
}

impl Accepted {
    /// Keep only the raw rows `keep` marks (one flag per accepted raw row).
    fn keep(&mut self, keep: &[bool]) {
        let marks = &self.marks;
        for (table, rows) in self.tables.iter_mut() {
            match marks.ends.get(table) {
                Some(ends) => rows.retain_ranges(&ranges(ends, keep)),
                None => rows.retain_ranges(&[]),
            }
        }
        let mut flags = vec![false; self.customers.len()];
        for (a, b) in ranges(&marks.customer_ends, keep) {
            flags[a..b].fill(true);
        }
        let mut flags = flags.into_iter();
        self.customers.retain(|_| flags.next().unwrap_or(false));
    }
}

/// Decide, for the files of one source (oldest version first), which rows count, and let go
/// of the others: their tables shrink, their ledger moves them from accepted to superseded
/// and says which file replaced them. `noun` names the rows ("responses"). Returns the
/// warnings about rows a newer export lacks.
pub fn settle(
    results: &mut [FileResult],
    replace_month: bool,
    source: &str,
    noun: &str,
) -> Vec<String> {
    let (by, lacks) = if replace_month {
        by_month(results)
    } else {
        by_key(results)
    };
    let names: Vec<String> = results.iter().map(|r| r.ledger.file.clone()).collect();
    supersede(results, &by, &names, replace_month, noun);
    lacking(results, lacks, &names, source, noun)
}

/// by[f][i]: the file whose version replaces row i of file f, if any.
type Replacements = Vec<Vec<Option<usize>>>;
/// lacks[g][f]: how many rows of the older file f fall within the span of file g but are
/// not in it.
type Lacks = BTreeMap<usize, BTreeMap<usize, usize>>;

fn no_replacements(results: &[FileResult]) -> Replacements {
    results
        .iter()
        .map(|r| vec![None; r.accepted.marks.len()])
        .collect()
}

/// `replace-month`: the newest file with rows in a month replaces every other file's rows
/// of that month.
fn by_month(results: &[FileResult]) -> (Replacements, Lacks) {
    let mut by = no_replacements(results);
    let mut owner: BTreeMap<Period, usize> = BTreeMap::new();
    for (f, r) in results.iter().enumerate() {
        for t in &r.accepted.marks.times {
            owner.insert(Period::of_date(t.date()), f);
        }
    }
    for (f, r) in results.iter().enumerate() {
        for (i, t) in r.accepted.marks.times.iter().enumerate() {
            let o = owner[&Period::of_date(t.date())];
            by[f][i] = (o != f).then_some(o);
        }
    }
    (by, Lacks::new())
}

/// `merge`: a row's newest version (by its key) replaces the older ones; rows of an older
/// file within a newer file's time span that the newer file lacks are counted.
fn by_key(results: &[FileResult]) -> (Replacements, Lacks) {
    let n = results.len();
    let mut by = no_replacements(results);
    let mut lacks = Lacks::new();
    let mut newest: HashMap<u128, usize, foldhash::fast::FixedState> = HashMap::default();
    for f in (0..n).rev() {
        for (i, k) in results[f].accepted.marks.keys.iter().enumerate() {
            match newest.get(k) {
                Some(&g) => by[f][i] = Some(g),
                None => {
                    newest.insert(*k, f);
                }
            }
        }
    }
    let spans: Vec<_> = results.iter().map(|r| r.accepted.marks.span()).collect();
    for f in 0..n {
        for (i, t) in results[f].accepted.marks.times.iter().enumerate() {
            if by[f][i].is_some() {
                continue;
            }
            let within = (f + 1..n)
                .rev()
                .find(|&g| spans[g].is_some_and(|(lo, hi)| lo <= *t && *t <= hi));
            if let Some(g) = within {
                *lacks.entry(g).or_default().entry(f).or_default() += 1;
            }
        }
    }
    (by, lacks)
}

/// Let go of the replaced rows: each file's tables shrink and its ledger moves them from
/// accepted to superseded, saying which file replaced them.
fn supersede(
    results: &mut [FileResult],
    by: &Replacements,
    names: &[String],
    replace_month: bool,
    noun: &str,
) {
    for (f, r) in results.iter_mut().enumerate() {
        let keep: Vec<bool> = by[f].iter().map(|b| b.is_none()).collect();
        let mut replaced: BTreeMap<usize, usize> = BTreeMap::new();
        for g in by[f].iter().flatten() {
            *replaced.entry(*g).or_default() += 1;
        }
        let gone: usize = replaced.values().sum();
        if gone == 0 {
            continue;
        }
        r.accepted.keep(&keep);
        r.ledger.accepted -= gone;
        r.ledger.superseded += gone;
        let into: Vec<String> = replaced
            .iter()
            .map(|(g, k)| format!("{} ({k})", names[*g]))
            .collect();
        push_note(
            &mut r.ledger.note,
            format!(
                "{gone} {noun} replaced by {} in {}",
                if replace_month {
                    "the newer file of their month"
                } else {
                    "their newer version"
                },
                list(&into)
            ),
        );
    }
}

/// The notes and warnings about rows a newer export lacks (they are kept).
fn lacking(
    results: &mut [FileResult],
    lacks: Lacks,
    names: &[String],
    source: &str,
    noun: &str,
) -> Vec<String> {
    let mut warnings = Vec::new();
    for (g, from) in lacks {
        let total: usize = from.values().sum();
        let (lo, hi) = results[g]
            .accepted
            .marks
            .span()
            .expect("a file that covers rows");
        let older: Vec<String> = from
            .iter()
            .map(|(f, k)| format!("{} ({k})", names[*f]))
            .collect();
        push_note(
            &mut results[g].ledger.note,
            format!("lacks {total} {noun} of older files within its time span (kept)"),
        );
        warnings.push(format!(
            "{}: {total} {noun} of older files of source `{source}` ({}) fall within its time span ({} – {}) but are not in it; they were kept. If the platform deleted them, or each new export of this source is the complete month, set overlap = \"replace-month\" on the source",
            names[g],
            list(&older),
            lo.format("%Y-%m-%d %H:%M"),
            hi.format("%Y-%m-%d %H:%M"),
        ));
    }
    warnings
}

/// Append `more` to a ledger note, `; `-separated.
pub(super) fn push_note(note: &mut String, more: String) {
    if !note.is_empty() {
        note.push_str("; ");
    }
    note.push_str(&more);
}

/// At most five names, then how many more.
fn list(names: &[String]) -> String {
    let mut s = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 5 {
        s.push_str(&format!(" and {} more files", names.len() - 5));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_rows_become_merged_ranges() {
        // Rows 0..2, 2..2 (no rows), 2..5, 5..6 of a table; keep raw rows 0, 1, 3.
        let ends = [2, 2, 5, 6];
        assert_eq!(
            ranges(&ends, &[true, true, false, true]),
            vec![(0, 2), (5, 6)]
        );
        // Raw row 1 gave no rows: letting it go leaves one range.
        assert_eq!(ranges(&ends, &[true, false, true, true]), vec![(0, 6)]);
        assert_eq!(ranges(&ends, &[false, true, true, false]), vec![(2, 5)]);
        assert_eq!(ranges(&ends, &[false; 4]), vec![]);
    }

    #[test]
    fn equal_rows_in_a_file_keep_distinct_keys_and_match_across_files() {
        let a = Cell::Text("5".into());
        let b = Cell::Number(5.0);
        let mut one = Keyer::default();
        let k1 = one.key(&Identity::Cells(vec![&a]), None);
        let k2 = one.key(&Identity::Cells(vec![&a]), None);
        assert_ne!(k1, k2, "two equal rows of a file are two rows");
        let mut other = Keyer::default();
        // The same cells read from XLSX as a number: the same row.
        assert_eq!(other.key(&Identity::Cells(vec![&b]), None), k1);
        assert_eq!(other.key(&Identity::Cells(vec![&b]), None), k2);
        // An id is not a cell list, and a month scopes a snapshot's id.
        let id = one.key(&Identity::Id("5"), None);
        assert_ne!(id, k1);
        let oct: Period = "2026-10".parse().unwrap();
        let nov: Period = "2026-11".parse().unwrap();
        assert_ne!(
            one.key(&Identity::Id("5"), Some(oct)),
            one.key(&Identity::Id("5"), Some(nov))
        );
        assert_eq!(
            one.key(&Identity::Id("5"), Some(oct)),
            other.key(&Identity::Id("5"), Some(oct))
        );
    }
}
