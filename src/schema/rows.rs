//! The rows of the canonical tables, by name: one struct per table whose fields are its lake
//! columns in their order, each with the Rust type it is built from and the [`ColType`] it
//! is stored as. The struct is the only place a table's column list is written:
//! [`super::Table::columns`] is generated from it, ingest builds rows field by field (so
//! two same-typed columns such as `region` and `store` cannot trade places by position), and
//! a field whose type cannot be stored as its column type does not compile (the `const`
//! check under each struct).
//!
//! A required field is a plain type (`String`, `NaiveDateTime`), an optional one an
//! `Option`; a response's answers are `Vec`s, one value per answer, beside the values all
//! its answers share.

use std::rc::Rc;

use chrono::{NaiveDate, NaiveDateTime};

use super::{ColType, Table};

/// One cell of a canonical row, in the order of [`Table::columns`].
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    S(Option<String>),
    /// A string shared by many rows (a response's id, segments, source and the item ids
    /// repeat over its answers): cloned without allocating, stored like `S`.
    R(Option<Rc<str>>),
    F(Option<f64>),
    I(Option<i64>),
    B(Option<bool>),
    D(Option<NaiveDate>),
    T(Option<NaiveDateTime>),
}

/// One column of a group of rows.
#[derive(Debug, Clone)]
pub enum Cells {
    /// The same value in every row of the group.
    Same(V),
    /// One value per row.
    Each(Vec<V>),
}

/// A Rust value a row field holds, and how it becomes the cells of its column.
pub trait Stored {
    /// The column types this value can be stored as.
    const STORES: &'static [ColType];
    fn cells(self) -> Cells;
    /// For per-row values (a response's answers): how many rows they make.
    fn rows(&self) -> Option<usize> {
        None
    }
}

macro_rules! stored {
    ($($ty:ty => [$($col:ident),+] $var:ident($conv:expr);)*) => {$(
        impl Stored for $ty {
            const STORES: &'static [ColType] = &[$(ColType::$col),+];
            fn cells(self) -> Cells {
                #[allow(clippy::redundant_closure_call)]
                Cells::Same(V::$var(($conv)(self)))
            }
        }
    )*};
}

stored! {
    String => [Str, Cat] S(Some);
    Option<String> => [Str, Cat] S(|v| v);
    Rc<str> => [Str, Cat] R(Some);
    Option<Rc<str>> => [Str, Cat] R(|v| v);
    f64 => [F64] F(Some);
    Option<f64> => [F64] F(|v| v);
    i64 => [I64] I(Some);
    Option<i64> => [I64] I(|v| v);
    Option<bool> => [Bool] B(|v| v);
    NaiveDate => [Date] D(Some);
    Option<NaiveDate> => [Date] D(|v| v);
    NaiveDateTime => [Time] T(Some);
    Option<NaiveDateTime> => [Time] T(|v| v);
}

impl Stored for Vec<Rc<str>> {
    const STORES: &'static [ColType] = &[ColType::Str, ColType::Cat];
    fn cells(self) -> Cells {
        Cells::Each(self.into_iter().map(|v| V::R(Some(v))).collect())
    }
    fn rows(&self) -> Option<usize> {
        Some(self.len())
    }
}

impl Stored for Vec<f64> {
    const STORES: &'static [ColType] = &[ColType::F64];
    fn cells(self) -> Cells {
        Cells::Each(self.into_iter().map(|v| V::F(Some(v))).collect())
    }
    fn rows(&self) -> Option<usize> {
        Some(self.len())
    }
}

/// Whether `col` is among `stores` (a `const fn`, for the compile-time check of each row).
pub const fn fits(stores: &[ColType], col: ColType) -> bool {
    let mut i = 0;
    while i < stores.len() {
        if stores[i] as u8 == col as u8 {
            return true;
        }
        i += 1;
    }
    false
}

/// A row of a canonical table.
pub trait Row {
    const TABLE: Table;
    /// The lake's columns of the table, in order, `file_id` last where it has lineage.
    const COLUMNS: &'static [(&'static str, ColType)];
    /// The row's cells, in the order of its fields (its columns without `file_id`).
    fn cells(self) -> Vec<Cells>;
    /// How many lake rows it makes (a response: one per answer).
    fn rows(&self) -> usize;
}

macro_rules! rows {
    ($(
        $(#[$doc:meta])*
        $row:ident in $table:ident {
            $($(#[$fdoc:meta])* $field:ident: $ty:ty => $col:ident,)*
        } $(+ $lineage:ident: $lcol:ident)?;
    )*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $row {
            $($(#[$fdoc])* pub $field: $ty,)*
        }

        impl Row for $row {
            const TABLE: Table = Table::$table;
            const COLUMNS: &'static [(&'static str, ColType)] = &[
                $((stringify!($field), ColType::$col),)*
                $((stringify!($lineage), ColType::$lcol),)?
            ];
            fn cells(self) -> Vec<Cells> {
                vec![$(Stored::cells(self.$field)),*]
            }
            fn rows(&self) -> usize {
                let mut n = 1;
                $(if let Some(k) = Stored::rows(&self.$field) { n = k; })*
                n
            }
        }

        // Each field's Rust type can be stored as its column type, or this does not compile.
        const _: () = {$(
            assert!(
                fits(<$ty as Stored>::STORES, ColType::$col),
                concat!(stringify!($row), ".", stringify!($field), " cannot be stored as ", stringify!($col)),
            );
        )*};
    )*};
}

rows! {
    /// One response's answers to the rated items: what they share, then the item and the
    /// score of each (`item_id` and `score` hold one value per answer, equally many).
    Response in Responses {
        response_id: String => Str,
        customer_id: Option<String> => Str,
        source: String => Cat,
        channel: Option<String> => Cat,
        survey_time: NaiveDateTime => Time,
        region: Option<String> => Cat,
        store: Option<String> => Cat,
        tier: Option<String> => Cat,
        product_line: Option<String> => Cat,
        brand: String => Cat,
        interviewer: Option<String> => Str,
        item_id: Vec<Rc<str>> => Cat,
        score: Vec<f64> => F64,
        weight: f64 => F64,
    } + file_id: Cat;

    /// One answer to an open question (its text redacted of personal data).
    Comment in Comments {
        response_id: String => Str,
        customer_id: Option<String> => Str,
        source: String => Cat,
        channel: Option<String> => Cat,
        survey_time: NaiveDateTime => Time,
        region: Option<String> => Cat,
        store: Option<String> => Cat,
        item_id: String => Cat,
        text: String => Str,
    } + file_id: Cat;

    /// One complaint as the log records it.
    Complaint in Complaints {
        complaint_id: String => Str,
        customer_id: Option<String> => Str,
        source: String => Cat,
        received_at: NaiveDateTime => Time,
        channel: Option<String> => Cat,
        category: String => Cat,
        severity: Option<String> => Cat,
        region: Option<String> => Cat,
        store: Option<String> => Cat,
        first_response_at: Option<NaiveDateTime> => Time,
        closed_at: Option<NaiveDateTime> => Time,
        status: Option<String> => Cat,
        compensation: Option<f64> => F64,
        handling_satisfaction: Option<f64> => F64,
        timely_response: Option<bool> => Bool,
        disputed: Option<bool> => Bool,
    } + file_id: Cat;

    /// One customer of the customer file (a snapshot of its month).
    Customer in Customers {
        customer_id: Option<String> => Str,
        region: Option<String> => Cat,
        store: Option<String> => Cat,
        tier: Option<String> => Cat,
        first_purchase: Option<NaiveDate> => Date,
        last_purchase: Option<NaiveDate> => Date,
        churned: Option<bool> => Bool,
        churn_date: Option<NaiveDate> => Date,
        value: Option<f64> => F64,
        complained: Option<bool> => Bool,
    } + file_id: Cat;

    /// One external reference figure (an industry index, a competitor's score).
    Benchmark in Benchmarks {
        measure: String => Cat,
        reference: String => Cat,
        value: f64 => F64,
        scale_min: Option<f64> => F64,
        scale_max: Option<f64> => F64,
    } + file_id: Cat;

    /// One improvement action.
    Action in Actions {
        action_id: String => Str,
        title: String => Str,
        measure: Option<String> => Cat,
        region: Option<String> => Cat,
        store: Option<String> => Cat,
        owner: Option<String> => Str,
        opened: NaiveDate => Date,
        closed: Option<NaiveDate> => Date,
        status: Option<String> => Cat,
    } + file_id: Cat;

    /// How many customers a source invited in a month (from its configuration).
    Invitation in Invitations {
        source: String => Cat,
        channel: Option<String> => Cat,
        invitations: i64 => I64,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lake's columns as they were listed by hand before the row types (the 2026-12-02
    /// schema, which the committed demo lake and every user's lake were written with): the
    /// generated list must not have moved a column.
    #[test]
    fn generated_columns_are_the_lakes_columns_in_order() {
        let names = |t: Table| t.columns().iter().map(|(c, _)| *c).collect::<Vec<_>>();
        assert_eq!(
            names(Table::Responses),
            [
                "response_id",
                "customer_id",
                "source",
                "channel",
                "survey_time",
                "region",
                "store",
                "tier",
                "product_line",
                "brand",
                "interviewer",
                "item_id",
                "score",
                "weight",
                "file_id"
            ]
        );
        assert_eq!(
            names(Table::Complaints),
            [
                "complaint_id",
                "customer_id",
                "source",
                "received_at",
                "channel",
                "category",
                "severity",
                "region",
                "store",
                "first_response_at",
                "closed_at",
                "status",
                "compensation",
                "handling_satisfaction",
                "timely_response",
                "disputed",
                "file_id"
            ]
        );
        assert_eq!(
            names(Table::Customers),
            [
                "customer_id",
                "region",
                "store",
                "tier",
                "first_purchase",
                "last_purchase",
                "churned",
                "churn_date",
                "value",
                "complained",
                "file_id"
            ]
        );
        assert_eq!(
            names(Table::Invitations),
            ["source", "channel", "invitations"]
        );
        for t in Table::ALL {
            let last = t.columns().last().map(|(c, _)| *c);
            assert_eq!(last == Some("file_id"), t != Table::Invitations, "{t:?}");
        }
    }

    #[test]
    fn a_row_gives_its_cells_by_field_and_counts_its_answers() {
        let t = NaiveDate::from_ymd_opt(2026, 10, 3)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let r = Response {
            response_id: "r1".into(),
            customer_id: None,
            source: "web".into(),
            channel: Some("web".into()),
            survey_time: t,
            region: Some("north".into()),
            store: Some("S1".into()),
            tier: None,
            product_line: None,
            brand: "ours".into(),
            interviewer: None,
            item_id: vec!["a".into(), "b".into()],
            score: vec![4.0, 5.0],
            weight: 1.5,
        };
        assert_eq!(r.rows(), 2);
        let cells = r.cells();
        assert_eq!(cells.len(), Response::COLUMNS.len() - 1);
        let same = |i: usize| match &cells[i] {
            Cells::Same(v) => v.clone(),
            Cells::Each(_) => panic!("column {i} is per answer"),
        };
        assert_eq!(same(5), V::S(Some("north".into())));
        assert_eq!(same(6), V::S(Some("S1".into())));
        assert!(matches!(&cells[12], Cells::Each(v) if v == &[V::F(Some(4.0)), V::F(Some(5.0))]));
        assert_eq!(same(13), V::F(Some(1.5)));
    }

    #[test]
    fn fits_accepts_only_the_listed_types() {
        assert!(fits(<Option<String> as Stored>::STORES, ColType::Cat));
        assert!(!fits(<Option<String> as Stored>::STORES, ColType::F64));
        assert!(!fits(<Vec<f64> as Stored>::STORES, ColType::Str));
    }
}
