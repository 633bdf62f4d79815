//! The data contract: which canonical tables exist, which fields a source may map into
//! them, and the columns each table has in the lake.
//!
//! A source's `[sources.columns]` maps these field names to the headers of its file; the
//! ingest stage parses each field by its [`FieldType`] and the lake stores the columns listed
//! in [`Table::columns`].

use serde::Deserialize;

pub mod rows;
pub use rows::{Cells, Row, V};

/// The kind of a configured source: what the file is, which decides its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Survey,
    Phone,
    Mail,
    Interview,
    FocusGroup,
    Competitor,
    Complaints,
    Customers,
    Benchmark,
    Actions,
}

impl SourceKind {
    pub const ALL: &'static str =
        "survey, phone, mail, interview, focus_group, competitor, complaints, customers, benchmark, actions";

    pub fn table(self) -> Table {
        match self {
            SourceKind::Survey
            | SourceKind::Phone
            | SourceKind::Mail
            | SourceKind::Interview
            | SourceKind::FocusGroup
            | SourceKind::Competitor => Table::Responses,
            SourceKind::Complaints => Table::Complaints,
            SourceKind::Customers => Table::Customers,
            SourceKind::Benchmark => Table::Benchmarks,
            SourceKind::Actions => Table::Actions,
        }
    }

    /// The survey channel a response source stands for unless the source says otherwise.
    pub fn default_channel(self) -> Option<&'static str> {
        match self {
            SourceKind::Survey | SourceKind::Competitor => Some("web"),
            SourceKind::Phone => Some("phone"),
            SourceKind::Mail => Some("mail"),
            SourceKind::Interview => Some("interview"),
            SourceKind::FocusGroup => Some("focus_group"),
            _ => None,
        }
    }

    pub fn is_response(self) -> bool {
        self.table() == Table::Responses
    }
}

/// A canonical table of the lake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    Responses,
    Comments,
    Complaints,
    Customers,
    Benchmarks,
    Actions,
    Invitations,
}

impl Table {
    pub const ALL: [Table; 7] = [
        Table::Responses,
        Table::Comments,
        Table::Complaints,
        Table::Customers,
        Table::Benchmarks,
        Table::Actions,
        Table::Invitations,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Responses => "responses",
            Table::Comments => "comments",
            Table::Complaints => "complaints",
            Table::Customers => "customers",
            Table::Benchmarks => "benchmarks",
            Table::Actions => "actions",
            Table::Invitations => "invitations",
        }
    }

    /// Columns in the lake, in order, with their storage type: the fields of the table's
    /// row type ([`rows`]), then `file_id` where the table has lineage. The partition column
    /// `period` is not stored in the files: it is the Hive directory `period=YYYY-MM`.
    /// `file_id` is the content hash of the input file a row came from, as listed in
    /// `_ledger/files.parquet`.
    pub fn columns(self) -> &'static [(&'static str, ColType)] {
        match self {
            Table::Responses => rows::Response::COLUMNS,
            Table::Comments => rows::Comment::COLUMNS,
            Table::Complaints => rows::Complaint::COLUMNS,
            Table::Customers => rows::Customer::COLUMNS,
            Table::Benchmarks => rows::Benchmark::COLUMNS,
            Table::Actions => rows::Action::COLUMNS,
            Table::Invitations => rows::Invitation::COLUMNS,
        }
    }
}

/// How a column is stored: `Cat` is a dictionary-encoded (categorical) string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    Str,
    Cat,
    F64,
    I64,
    Bool,
    Date,
    Time,
}

/// How a source field is parsed from its cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Free text, trimmed.
    Text,
    /// A segment value, normalised through the catalogue of that segment when one exists
    /// (`store` accepts a store's id or its Chinese or English name).
    Segment(&'static str),
    /// A date and time (several layouts and Excel serials are accepted).
    Time,
    /// A calendar date.
    Date,
    /// A month, `YYYY-MM`.
    Month,
    Number,
    /// Yes/no: 1/0, 是/否, Y/N, true/false.
    Flag,
}

/// A field that a source may map, and whether every source of its kind must map it.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
}

const fn f(name: &'static str, ty: FieldType, required: bool) -> Field {
    Field { name, ty, required }
}

use FieldType::*;

const RESPONSES_FIELDS: &[Field] = &[
    f("response_id", Text, true),
    f("survey_time", Time, true),
    f("customer_id", Text, false),
    f("store", Segment("store"), false),
    f("region", Segment("region"), false),
    f("tier", Segment("tier"), false),
    f("product_line", Segment("product_line"), false),
    f("brand", Segment("brand"), false),
    f("channel", Segment("channel"), false),
    f("interviewer", Text, false),
    f("weight", Number, false),
];
const COMPLAINTS_FIELDS: &[Field] = &[
    f("complaint_id", Text, true),
    f("received_at", Time, true),
    f("category", Text, true),
    f("customer_id", Text, false),
    f("channel", Text, false),
    f("severity", Text, false),
    f("store", Segment("store"), false),
    f("first_response_at", Time, false),
    f("closed_at", Time, false),
    f("status", Text, false),
    f("compensation", Number, false),
    f("handling_satisfaction", Number, false),
    // Logs that record the outcome instead of the times (a regulator's "timely response?",
    // "consumer disputed?").
    f("timely_response", Flag, false),
    f("disputed", Flag, false),
];
const CUSTOMERS_FIELDS: &[Field] = &[
    f("customer_id", Text, true),
    f("store", Segment("store"), false),
    // A customer file of a telecom or bank has regions without stores.
    f("region", Segment("region"), false),
    f("tier", Segment("tier"), false),
    f("first_purchase", Date, false),
    f("last_purchase", Date, false),
    f("churned", Flag, false),
    f("churn_date", Date, false),
    f("value", Number, false),
    f("complained", Flag, false),
];
const BENCHMARKS_FIELDS: &[Field] = &[
    f("period", Month, true),
    f("measure", Text, true),
    f("reference", Text, true),
    f("value", Number, true),
    f("scale_min", Number, false),
    f("scale_max", Number, false),
];
const ACTIONS_FIELDS: &[Field] = &[
    f("action_id", Text, true),
    f("title", Text, true),
    f("opened", Date, true),
    f("measure", Text, false),
    f("store", Segment("store"), false),
    f("owner", Text, false),
    f("closed", Date, false),
    f("status", Text, false),
];

/// The field that identifies a row of `table` (benchmarks and the derived tables have none:
/// `""`).
pub fn id_field(table: Table) -> &'static str {
    match table {
        Table::Responses => "response_id",
        Table::Complaints => "complaint_id",
        Table::Customers => "customer_id",
        Table::Actions => "action_id",
        _ => "",
    }
}

/// The header that stands for "the line number" (files without an id column).
pub const LINE: &str = "@line";

/// The field that dates a row of a source of `kind`, which a file without dates replaces
/// with the source's `date` or `period` (customer files have `snapshot`, actions always
/// carry their dates).
pub fn time_field(kind: SourceKind) -> Option<&'static str> {
    match kind.table() {
        Table::Responses => Some("survey_time"),
        Table::Complaints => Some("received_at"),
        Table::Benchmarks => Some("period"),
        _ => None,
    }
}

/// The fields a source of `kind` may map in `[sources.columns]`.
pub fn source_fields(kind: SourceKind) -> &'static [Field] {
    match kind.table() {
        Table::Responses => RESPONSES_FIELDS,
        Table::Complaints => COMPLAINTS_FIELDS,
        Table::Customers => CUSTOMERS_FIELDS,
        Table::Benchmarks => BENCHMARKS_FIELDS,
        Table::Actions => ACTIONS_FIELDS,
        Table::Comments | Table::Invitations => &[],
    }
}

/// Segments a report can be cut by; `channel` always exists, the others come from the
/// data (and from the customer file for responses that carry only a customer id).
pub const SEGMENTS: [&str; 5] = ["region", "store", "tier", "product_line", "channel"];

/// Survey channels with their labels; a source may name others in the `channel` catalogue.
pub const CHANNELS: [(&str, &str, &str); 6] = [
    ("web", "网络问卷", "Web survey"),
    ("phone", "电话回访", "Phone follow-up"),
    ("mail", "邮寄问卷", "Mail survey"),
    ("interview", "深入访谈", "In-depth interview"),
    ("focus_group", "焦点小组", "Focus group"),
    ("in_store", "店内调查", "In-store survey"),
];
