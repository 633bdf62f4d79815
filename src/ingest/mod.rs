//! Ingest: configured raw files → canonical tables, every row accounted for.
//!
//! Each file goes read ([`read`]: bytes, encoding, CSV dialect or XLSX) → layout
//! ([`preset`]: platform exports normalised) → mapping ([`map`]: declarative columns,
//! catalogues, value maps, time zones, privacy). Every data row ends up accepted, rejected
//! (with file, line, column, value and a reason code), or superseded (a newer file of the
//! same source has the same row, see [`overlap`]), so per file `rows_read = accepted +
//! rejected + superseded`.
//!
//! Files are identified by content (SHA-256): a copy of a file already read adds nothing,
//! and every canonical row carries the `file_id` it came from (lineage). Customer files are
//! read first, so responses that carry only a customer id get that customer's segments.

mod accounts;
mod file;
pub mod infer;
pub mod map;
pub mod overlap;
pub mod parse;
pub mod preset;
pub mod privacy;
pub mod propose;
pub mod read;
pub mod rows;
pub mod values;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use chrono::NaiveDate;
use compact_str::CompactString;
use thiserror::Error;

use crate::config::{Config, Source};
use crate::frame::{self, DataFrame, Values};
pub use crate::schema::{Cells, V};
use crate::schema::{ColType, SourceKind, Table};
pub use accounts::*;
use file::display_path;
pub use file::{ingest_file, FileResult};
use map::{Catalogs, Context, CustomerSegments, FileMap, Mapped};
use privacy::Privacy;
pub use rows::{Canonical, Partitions, TableRows};

#[derive(Debug, Error)]
pub enum IngestError {
    #[error("{path} (source `{source_name}`): {message}")]
    File {
        source_name: String,
        path: PathBuf,
        message: String,
    },
    /// A mapped column the file's header row lacks (boxed: the error is rare and large, and
    /// every row's `Result` carries the error type).
    #[error("{0}")]
    MissingHeader(Box<MissingHeader>),
    #[error("building table {table}: {message}")]
    Frame {
        table: &'static str,
        message: String,
    },
}

/// A mapped column the file's header row lacks, with what the header row has.
#[derive(Debug, thiserror::Error)]
#[error("{path} (source `{source_name}`): no column `{header}` for {what}; the file's header row (read as {encoding}, layout {layout}) has: {available}. Fix the mapping in csat.toml or the export{hint}")]
pub struct MissingHeader {
    pub source_name: String,
    pub path: PathBuf,
    pub header: String,
    pub what: String,
    pub available: String,
    pub encoding: String,
    pub layout: String,
    /// A guess at the cause (a wrong encoding, a wrong preset).
    pub hint: String,
}

/// The canonical rows of one file (with its `file_id`), and what superseding needs to know
/// of its accepted raw rows: each one's key, time and rows ([`overlap::Marks`]).
#[derive(Default)]
pub struct Accepted {
    pub tables: BTreeMap<Table, TableRows>,
    /// One mark per accepted raw row, in file order.
    pub marks: overlap::Marks,
    /// Customer rows: (stored id, segments).
    pub customers: Vec<(CompactString, CustomerSegments)>,
    /// The segment values of customers, each held once.
    interned: std::collections::HashSet<std::sync::Arc<str>>,
    /// The custom columns of each table (`[[fields]]`).
    extras: BTreeMap<Table, Vec<(String, ColType)>>,
}

impl Accepted {
    /// Nothing accepted yet, for the tables of `cfg` (with its custom columns).
    pub fn new(cfg: &Config) -> Accepted {
        Accepted {
            extras: Table::ALL
                .iter()
                .map(|t| (*t, cfg.extra_columns(*t)))
                .collect(),
            ..Accepted::default()
        }
    }

    /// Add a mapped raw row identified by `key`: its canonical rows (with the file's id
    /// appended).
    fn add(&mut self, m: Mapped, file_id: &std::rc::Rc<str>, key: u128) {
        let period = m.rows.first().map(|(p, _)| *p);
        let at = m
            .time
            .or_else(|| period.map(|p| p.first_day().and_time(chrono::NaiveTime::MIN)));
        if let (Some((id, seg)), Some(_)) = (m.customer, period) {
            let mut intern = |v: Option<std::sync::Arc<str>>| {
                v.map(|v| match self.interned.get(&v) {
                    Some(shared) => shared.clone(),
                    None => {
                        self.interned.insert(v.clone());
                        v
                    }
                })
            };
            let seg = CustomerSegments {
                store: intern(seg.store),
                region: intern(seg.region),
                tier: intern(seg.tier),
                extra: seg.extra.into_iter().map(&mut intern).collect(),
            };
            self.customers.push((id.into(), seg));
        }
        for (p, rows) in m.rows {
            let table = rows.table;
            let lineage = table.columns().last().is_some_and(|(c, _)| *c == "file_id");
            let file_id = lineage.then(|| Cells::Same(V::R(Some(file_id.clone()))));
            let extras = &self.extras;
            let t = self.tables.entry(table).or_insert_with(|| {
                TableRows::with_extra(table, extras.get(&table).cloned().unwrap_or_default())
            });
            t.push_group(p, rows.n, rows.cells.into_iter().chain(file_id));
        }
        // A raw row that gave no canonical row has nothing to supersede.
        if let Some(at) = at {
            self.marks
                .record(key, at, &self.tables, self.customers.len());
        }
    }
}

/// Everything one ingest produced.
#[derive(Debug)]
pub struct Ingested {
    pub tables: BTreeMap<Table, TableRows>,
    pub rejects: Vec<Reject>,
    pub ledger: Vec<FileLedger>,
    /// What the user should look at although nothing was rejected (an export that lacks rows
    /// an older export of its source has).
    pub warnings: Vec<String>,
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
    pub fn answers_rejected(&self) -> usize {
        self.ledger.iter().map(|l| l.answers_rejected).sum()
    }
    pub fn superseded(&self) -> usize {
        self.ledger.iter().map(|l| l.superseded).sum()
    }
}

/// Settings of one ingest besides the config.
pub struct Options {
    /// The analysis date: a timestamp after it is a keying error.
    pub as_of: NaiveDate,
    pub privacy: Privacy,
    /// The previous ledger, for the order in which file versions were first seen.
    pub prior: Vec<PriorFile>,
}

/// What one source gave, with superseding between its files applied.
struct SourceOut {
    tables: BTreeMap<Table, TableRows>,
    rejects: Vec<Reject>,
    ledger: Vec<FileLedger>,
    /// Customer rows that count: (stored id, segments).
    customers: Vec<(CompactString, CustomerSegments)>,
    /// Rows an export lacks that an older one has, within its span.
    warnings: Vec<String>,
}

/// Read and map every configured source, in parallel ([`crate::parallel`]), and join what
/// they gave in a fixed order (customer files first, then the config's order), so the
/// tables are the same as when read one after the other. Sources that look customers up
/// (they map `customer_id`) wait for the customer files, to borrow their segments; customer
/// files and the other sources are read together first.
pub fn ingest(cfg: &Config, opts: &Options) -> Result<Ingested, IngestError> {
    let cats = Catalogs::new(cfg);
    let first_seen: HashMap<&str, &str> = opts
        .prior
        .iter()
        .map(|p| (p.sha256.as_str(), p.first_seen.as_str()))
        .collect();
    let today = opts.as_of.to_string();
    let known: std::collections::HashSet<(&str, &str)> = opts
        .prior
        .iter()
        .filter_map(|p| Some((p.sha256.as_str(), p.file.as_deref()?)))
        .collect();
    // A file's sort key among its source's files: when its content was first seen, then
    // whether it is new under this name (the name already read comes first).
    let seen_on = |sha: &str, file: &str| {
        (
            first_seen.get(sha).copied().unwrap_or(&today).to_string(),
            !known.contains(&(sha, file)),
        )
    };
    let mut order: Vec<&Source> = cfg.sources.iter().collect();
    order.sort_by_key(|s| s.kind != SourceKind::Customers);
    let waits =
        |s: &Source| s.kind != SourceKind::Customers && s.columns.contains_key("customer_id");
    let bytes_of = |i: &usize| -> u64 {
        order[*i]
            .files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum()
    };
    let (late, early): (Vec<usize>, Vec<usize>) = (0..order.len()).partition(|i| waits(order[*i]));
    let mut slots: Vec<Option<Result<SourceOut, IngestError>>> =
        order.iter().map(|_| None).collect();
    let mut customers = map::Customers::default();
    let ctx = |customers| Context {
        cfg,
        cats: &cats,
        privacy: &opts.privacy,
        as_of: opts.as_of,
        customers,
    };
    let none = map::Customers::default();
    let first = ctx(&none);
    for (i, so) in early
        .iter()
        .zip(crate::parallel::map(&early, bytes_of, |i| {
            ingest_source(&first, order[*i], &seen_on)
        }))
    {
        slots[*i] = Some(so);
    }
    let mut customers_failed = false;
    for (src, slot) in order.iter().zip(slots.iter_mut()) {
        match slot {
            Some(Ok(so)) if src.kind == SourceKind::Customers => {
                customers.extend(std::mem::take(&mut so.customers))
            }
            Some(Err(_)) if src.kind == SourceKind::Customers => customers_failed = true,
            _ => {}
        }
    }
    if !customers_failed {
        let then = ctx(&customers);
        for (i, so) in late.iter().zip(crate::parallel::map(&late, bytes_of, |i| {
            ingest_source(&then, order[*i], &seen_on)
        })) {
            slots[*i] = Some(so);
        }
    }
    let mut out = Ingested {
        tables: Table::ALL
            .iter()
            .map(|t| (*t, TableRows::new(*t)))
            .collect(),
        rejects: Vec::new(),
        ledger: Vec::new(),
        warnings: Vec::new(),
    };
    // The first failure in that order is the run's error, as if read one after the other.
    for so in slots.into_iter().flatten() {
        let so = so?;
        for l in &so.ledger {
            tracing::info!(source = %l.source, file = %l.file, read = l.rows_read, accepted = l.accepted, rejected = l.rejected, "read");
        }
        for (table, rows) in so.tables {
            out.tables
                .get_mut(&table)
                .expect("every table")
                .append(rows);
        }
        out.rejects.extend(so.rejects);
        out.ledger.extend(so.ledger);
        out.warnings.extend(so.warnings);
    }
    Ok(out)
}

/// Read every file of `src`, oldest version first, and let each month belong to the newest
/// file that has rows in it. Files are read one at a time (first to hash them, then to map
/// them), so a source of many weekly exports holds one file's bytes at once.
fn ingest_source(
    ctx: &Context,
    src: &Source,
    seen_on: &(dyn Fn(&str, &str) -> (String, bool) + Sync),
) -> Result<SourceOut, IngestError> {
    let read = |path: &PathBuf| {
        std::fs::read(path).map_err(|e| IngestError::File {
            source_name: src.name.clone(),
            path: path.clone(),
            message: format!("cannot read the file: {e}"),
        })
    };
    let mut files = Vec::new();
    for path in &src.files {
        let sha = privacy::sha256_hex(&read(path)?);
        files.push((
            seen_on(&sha, &display_path(ctx.cfg, path)),
            path.clone(),
            sha,
        ));
    }
    // Oldest version first: by when the content was first ingested, then the name it was
    // read under before a new name, then by name, so a corrected file (new content, or a
    // later name such as `_v2`) comes last and wins, and a copy stays the copy.
    files.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let mut results: Vec<FileResult> = Vec::new();
    let mut by_sha: HashMap<String, String> = HashMap::new();
    for (seen, path, sha) in &files {
        let mut fr = ingest_file(ctx, src, path, &read(path)?, &seen.0)?;
        if let Some(first) = by_sha.get(sha) {
            // The same content under another name: read, counted, and set aside whole, its
            // rejects included (they are the first file's, already listed once).
            fr.ledger.note = format!("same content as {first}");
            fr.ledger.superseded = fr.ledger.accepted + fr.ledger.rejected;
            fr.ledger.accepted = 0;
            fr.ledger.rejected = 0;
            fr.ledger.excluded = 0;
            fr.ledger.answers_rejected = 0;
            fr.accepted = Accepted::new(ctx.cfg);
            fr.rejects.clear();
        } else {
            by_sha.insert(sha.clone(), fr.ledger.file.clone());
        }
        results.push(fr);
    }
    let mut out = SourceOut {
        tables: BTreeMap::new(),
        rejects: Vec::new(),
        ledger: Vec::new(),
        customers: Vec::new(),
        warnings: Vec::new(),
    };
    let noun = match src.kind.table() {
        Table::Responses => "responses",
        Table::Complaints => "complaints",
        Table::Customers => "customers",
        Table::Actions => "actions",
        _ => "rows",
    };
    out.warnings = overlap::settle(&mut results, src.replace_month, &src.name, noun);
    for mut fr in results {
        out.customers
            .extend(std::mem::take(&mut fr.accepted.customers));
        for (table, rows) in std::mem::take(&mut fr.accepted.tables) {
            out.tables
                .entry(table)
                .or_insert_with(|| TableRows::new(table))
                .append(rows);
        }
        out.rejects.extend(fr.rejects);
        out.ledger.push(fr.ledger);
    }
    for (p, n) in &src.invitations {
        out.tables
            .entry(Table::Invitations)
            .or_insert_with(|| TableRows::new(Table::Invitations))
            .push_row(
                *p,
                crate::schema::rows::Invitation {
                    source: src.name.clone(),
                    channel: src.channel.clone(),
                    invitations: *n as i64,
                },
            );
    }
    Ok(out)
}

/// `text` cut to at most `max` characters, with "…(N more characters)" when cut: messages
/// and rejects quote what they found without echoing a 10 MB header line.
pub fn clip(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    format!("{head}…({} more characters)", n - max)
}
