//! The contract between metrics and render: one Rust type per mart row.
//!
//! Each mart is declared once, with [`mart!`]: its file name, and its columns as the fields
//! of a struct, in file order, each with its Rust type. The field name *is* the column name,
//! so a column is named in exactly one place. Metrics build `Vec<Row>`s and
//! [`Mart::to_frame`] turns them into the Parquet file's frame; the report reads the file
//! back with [`Mart::from_frame`], which names the mart and the column when a file lacks
//! one (an older mart) or holds an empty cell where the type allows none.
//!
//! The cell types ([`Field`]) are the few the marts use: text, whole numbers (`usize`, the
//! file holds i64), reals and flags, each optional or not.

mod complaint;
mod set;
mod survey;

pub use complaint::*;
pub use set::MartSet;
pub use survey::*;

use crate::frame::{self, DataFrame, Values};
use crate::schema::ColType;

/// A mart file that does not hold what its type says.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the {mart} mart {problem}")]
pub struct MartError {
    pub mart: &'static str,
    pub problem: String,
}

/// One column's Rust type: how a column of it becomes frame values and is read back.
pub trait Field: Sized + Clone {
    const TYPE: ColType;
    fn values(v: Vec<Self>) -> Values;
    /// The column `name` of `df`; `Err` says what is wrong with it.
    fn read(df: &DataFrame, name: &str) -> Result<Vec<Self>, String>;
    /// The cell as text (empty for none; reals in Rust's shortest round-trip form), for CSV.
    fn text(&self) -> String;
}

fn missing(name: &str) -> String {
    format!("has no column `{name}`")
}

/// A non-optional column: every cell must be there.
fn required<T>(name: &str, v: Vec<Option<T>>) -> Result<Vec<T>, String> {
    let n = v.len();
    v.into_iter()
        .enumerate()
        .map(|(i, x)| x.ok_or_else(|| format!("has an empty `{name}` in row {} of {n}", i + 1)))
        .collect()
}

impl Field for Option<String> {
    fn text(&self) -> String {
        self.as_ref().map_or_else(String::new, |x| x.to_string())
    }
    const TYPE: ColType = ColType::Str;
    fn values(v: Vec<Self>) -> Values {
        Values::Str(v)
    }
    fn read(df: &DataFrame, name: &str) -> Result<Vec<Self>, String> {
        frame::strs(df, name).map_err(|_| missing(name))
    }
}

impl Field for String {
    fn text(&self) -> String {
        self.to_string()
    }
    const TYPE: ColType = ColType::Str;
    fn values(v: Vec<Self>) -> Values {
        Values::Str(v.into_iter().map(Some).collect())
    }
    fn read(df: &DataFrame, name: &str) -> Result<Vec<Self>, String> {
        required(name, Option::<String>::read(df, name)?)
    }
}

impl Field for Option<f64> {
    fn text(&self) -> String {
        self.as_ref().map_or_else(String::new, |x| x.to_string())
    }
    const TYPE: ColType = ColType::F64;
    fn values(v: Vec<Self>) -> Values {
        Values::F64(v)
    }
    fn read(df: &DataFrame, name: &str) -> Result<Vec<Self>, String> {
        frame::f64s(df, name).map_err(|_| missing(name))
    }
}

impl Field for f64 {
    fn text(&self) -> String {
        self.to_string()
    }
    const TYPE: ColType = ColType::F64;
    fn values(v: Vec<Self>) -> Values {
        Values::F64(v.into_iter().map(Some).collect())
    }
    fn read(df: &DataFrame, name: &str) -> Result<Vec<Self>, String> {
        required(name, Option::<f64>::read(df, name)?)
    }
}

impl Field for Option<usize> {
    fn text(&self) -> String {
        self.as_ref().map_or_else(String::new, |x| x.to_string())
    }
    const TYPE: ColType = ColType::I64;
    fn values(v: Vec<Self>) -> Values {
        Values::I64(v.into_iter().map(|x| x.map(|x| x as i64)).collect())
    }
    fn read(df: &DataFrame, name: &str) -> Result<Vec<Self>, String> {
        let v = frame::i64s(df, name).map_err(|_| missing(name))?;
        v.into_iter()
            .map(|x| match x {
                None => Ok(None),
                Some(x) => usize::try_from(x)
                    .map(Some)
                    .map_err(|_| format!("has a negative count {x} in `{name}`")),
            })
            .collect()
    }
}

impl Field for usize {
    fn text(&self) -> String {
        self.to_string()
    }
    const TYPE: ColType = ColType::I64;
    fn values(v: Vec<Self>) -> Values {
        Values::I64(v.into_iter().map(|x| Some(x as i64)).collect())
    }
    fn read(df: &DataFrame, name: &str) -> Result<Vec<Self>, String> {
        required(name, Option::<usize>::read(df, name)?)
    }
}

impl Field for Option<bool> {
    fn text(&self) -> String {
        self.as_ref().map_or_else(String::new, |x| x.to_string())
    }
    const TYPE: ColType = ColType::Bool;
    fn values(v: Vec<Self>) -> Values {
        Values::Bool(v)
    }
    fn read(df: &DataFrame, name: &str) -> Result<Vec<Self>, String> {
        frame::bools(df, name).map_err(|_| missing(name))
    }
}

impl Field for bool {
    fn text(&self) -> String {
        self.to_string()
    }
    const TYPE: ColType = ColType::Bool;
    fn values(v: Vec<Self>) -> Values {
        Values::Bool(v.into_iter().map(Some).collect())
    }
    fn read(df: &DataFrame, name: &str) -> Result<Vec<Self>, String> {
        required(name, Option::<bool>::read(df, name)?)
    }
}

/// A mart: its file name, its columns, and the way between rows and the file's frame.
pub trait Mart: Sized {
    /// The file name (`marts/period=…/<NAME>.parquet`).
    const NAME: &'static str;
    fn to_frame(rows: &[Self]) -> Result<DataFrame, MartError>;
    fn from_frame(df: &DataFrame) -> Result<Vec<Self>, MartError>;
    /// The declared columns' names (not the `extra` run), in file order.
    fn columns() -> Vec<&'static str>;
    /// The declared columns' cells as text, in the order of [`Mart::columns`].
    fn cells(&self) -> Vec<String>;
}

/// Declare a mart row: `Name = "file" { column: Type, … }`. The struct gets one public field
/// per column and an implementation of [`Mart`]; an optional `extra field: "prefix"` after the
/// columns adds a run of columns named `prefix<key>` (one per key, the same keys in every
/// row; `Vec<(key, value)>`), such as the loyalty mart's `tier_share_<tier>`.
#[macro_export]
macro_rules! mart {
    (
        $(#[$meta:meta])*
        $name:ident = $file:literal {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
        $( extra $(#[$emeta:meta])* $extra:ident : $prefix:literal ; )?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
            $( $(#[$emeta])* pub $extra: Vec<(String, Option<f64>)>, )?
        }

        impl $crate::mart::Mart for $name {
            const NAME: &'static str = $file;

            fn to_frame(rows: &[Self]) -> Result<$crate::frame::DataFrame, $crate::mart::MartError> {
                #[allow(unused_mut)]
                let mut cols: Vec<(String, $crate::schema::ColType, $crate::frame::Values)> = vec![$(
                    (
                        stringify!($field).to_string(),
                        <$ty as $crate::mart::Field>::TYPE,
                        <$ty as $crate::mart::Field>::values(
                            rows.iter().map(|r| r.$field.clone()).collect(),
                        ),
                    )
                ),*];
                $( cols.extend($crate::mart::extra_columns(rows, |r| &r.$extra, $prefix)); )?
                $crate::mart::frame_of(Self::NAME, cols)
            }

            fn columns() -> Vec<&'static str> {
                vec![$( stringify!($field) ),*]
            }

            fn cells(&self) -> Vec<String> {
                vec![$( <$ty as $crate::mart::Field>::text(&self.$field) ),*]
            }

            fn from_frame(df: &$crate::frame::DataFrame) -> Result<Vec<Self>, $crate::mart::MartError> {
                let bad = |problem: String| $crate::mart::MartError { mart: Self::NAME, problem };
                $( let mut $field = <$ty as $crate::mart::Field>::read(df, stringify!($field))
                    .map_err(bad)?
                    .into_iter(); )*
                $( let mut $extra = $crate::mart::read_extra(df, $prefix).map_err(bad)?.into_iter(); )?
                let height = $crate::frame::height(df);
                let mut out = Vec::with_capacity(height);
                for _ in 0..height {
                    out.push(Self {
                        $( $field: $field.next().expect("a column as long as the frame"), )*
                        $( $extra: $extra.next().expect("a column as long as the frame"), )?
                    });
                }
                Ok(out)
            }
        }
    };
}

/// The frame of a mart's columns (see [`mart!`]).
pub fn frame_of(
    mart: &'static str,
    cols: Vec<(String, ColType, Values)>,
) -> Result<DataFrame, MartError> {
    frame::build(
        cols.iter()
            .map(|(n, t, v)| (n.as_str(), *t, v.clone()))
            .collect(),
    )
    .map_err(|e| MartError {
        mart,
        problem: format!("cannot be built: {e}"),
    })
}

/// The `prefix<key>` columns of an `extra` field: keys from the first row, in its order.
pub fn extra_columns<R>(
    rows: &[R],
    get: impl Fn(&R) -> &Vec<(String, Option<f64>)>,
    prefix: &str,
) -> Vec<(String, ColType, Values)> {
    let Some(first) = rows.first() else {
        return Vec::new();
    };
    (0..get(first).len())
        .map(|k| {
            let key = &get(first)[k].0;
            let v = rows
                .iter()
                .map(|r| get(r).iter().find(|(x, _)| x == key).and_then(|x| x.1))
                .collect();
            (format!("{prefix}{key}"), ColType::F64, Values::F64(v))
        })
        .collect()
}

/// The `prefix<key>` columns of a frame, per row, in file order.
pub fn read_extra(df: &DataFrame, prefix: &str) -> Result<Vec<Vec<(String, Option<f64>)>>, String> {
    let mut rows = vec![Vec::new(); frame::height(df)];
    for name in frame::column_names(df) {
        let Some(key) = name.strip_prefix(prefix) else {
            continue;
        };
        let v = frame::f64s(df, &name).map_err(|e| format!("has an unreadable `{name}`: {e}"))?;
        for (row, x) in rows.iter_mut().zip(v) {
            row.push((key.to_string(), x));
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::mart! {
        /// A small mart for the tests.
        Probe = "probe" {
            period: String,
            n: usize,
            mean: Option<f64>,
            flag: Option<bool>,
        }
        extra share: "share_";
    }

    fn rows() -> Vec<Probe> {
        vec![
            Probe {
                period: "2026-10".into(),
                n: 3,
                mean: Some(1.5),
                flag: None,
                share: vec![("a".into(), Some(0.25)), ("b".into(), None)],
            },
            Probe {
                period: "2026-10".into(),
                n: 0,
                mean: None,
                flag: Some(true),
                share: vec![("a".into(), Some(1.0)), ("b".into(), Some(0.0))],
            },
        ]
    }

    #[test]
    fn rows_go_to_a_frame_and_come_back_the_same() {
        let df = Probe::to_frame(&rows()).unwrap();
        assert_eq!(
            frame::column_names(&df),
            ["period", "n", "mean", "flag", "share_a", "share_b"]
        );
        assert_eq!(Probe::from_frame(&df).unwrap(), rows());
    }

    #[test]
    fn a_missing_column_or_an_empty_required_cell_is_named() {
        let df = frame::build_plain(vec![("period", Values::Str(vec![Some("x".into())]))]).unwrap();
        let e = Probe::from_frame(&df).unwrap_err();
        assert_eq!(e.to_string(), "the probe mart has no column `n`");
        let df = frame::build_plain(vec![
            ("period", Values::Str(vec![None])),
            ("n", Values::I64(vec![Some(1)])),
        ])
        .unwrap();
        let e = Probe::from_frame(&df).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the probe mart has an empty `period` in row 1 of 1"
        );
    }
}
