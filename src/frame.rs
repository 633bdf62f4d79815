//! The thin layer between plain Rust columns and polars `DataFrame`s.
//!
//! Ingest builds columns as `Vec`s and turns them into a frame here; metrics read the
//! columns they need back out here. Together with [`crate::lake`] this is the only code
//! that names polars types, so a polars upgrade touches these two files.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use compact_str::CompactString;
use polars::prelude::*;

use crate::schema::ColType;

pub use polars::prelude::DataFrame;
pub type FrameResult<T> = PolarsResult<T>;
/// What a frame operation fails with.
pub type FrameError = PolarsError;

/// One column's values before it becomes a polars `Column`.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Str(Vec<Option<String>>),
    /// Strings as codes into a dictionary ([`NULL_CODE`] is a null): a column of many rows
    /// and few distinct values built without a `String` per row.
    Coded {
        dict: std::sync::Arc<[CompactString]>,
        codes: Vec<u32>,
    },
    F64(Vec<Option<f64>>),
    I64(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Date(Vec<Option<NaiveDate>>),
    Time(Vec<Option<NaiveDateTime>>),
}

impl Values {
    pub fn len(&self) -> usize {
        match self {
            Values::Str(v) => v.len(),
            Values::Coded { codes, .. } => codes.len(),
            Values::F64(v) => v.len(),
            Values::I64(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Date(v) => v.len(),
            Values::Time(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn empty(ty: ColType) -> Values {
        match ty {
            ColType::Str | ColType::Cat => Values::Str(Vec::new()),
            ColType::F64 => Values::F64(Vec::new()),
            ColType::I64 => Values::I64(Vec::new()),
            ColType::Bool => Values::Bool(Vec::new()),
            ColType::Date => Values::Date(Vec::new()),
            ColType::Time => Values::Time(Vec::new()),
        }
    }
}

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();

fn to_column(name: &str, ty: ColType, values: Values) -> PolarsResult<Column> {
    let name: PlSmallStr = name.into();
    let series = match values {
        Values::Str(v) => {
            let s = Series::new(name, v);
            if ty == ColType::Cat {
                // An Enum over the sorted distinct values: written as a Parquet dictionary
                // whose content and order depend only on the data (deterministic files).
                let mut distinct: Vec<&str> = s.str()?.iter().flatten().collect();
                distinct.sort_unstable();
                distinct.dedup();
                let cats = FrozenCategories::new(distinct)?;
                s.cast(&DataType::from_frozen_categories(cats))?
            } else {
                s
            }
        }
        Values::Coded { dict, codes } => coded(name, ty, &dict, &codes)?,
        Values::F64(v) => Series::new(name, v),
        Values::I64(v) => Series::new(name, v),
        Values::Bool(v) => Series::new(name, v),
        Values::Date(v) => {
            let days: Vec<Option<i32>> = v
                .into_iter()
                .map(|d| d.map(|d| (d - EPOCH).num_days() as i32))
                .collect();
            Series::new(name, days).cast(&DataType::Date)?
        }
        Values::Time(v) => {
            let ms: Vec<Option<i64>> = v
                .into_iter()
                .map(|t| t.map(|t| t.and_utc().timestamp_millis()))
                .collect();
            Series::new(name, ms).cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?
        }
    };
    Ok(series.into_column())
}

/// The code of a null in [`Values::Coded`].
pub const NULL_CODE: u32 = u32::MAX;

/// A coded string column: plain strings, or (`Cat`) an Enum over the sorted distinct values
/// that occur, exactly as [`Values::Str`] would give it.
fn coded(
    name: PlSmallStr,
    ty: ColType,
    dict: &[CompactString],
    codes: &[u32],
) -> PolarsResult<Series> {
    let at = |c: u32| (c != NULL_CODE).then(|| dict[c as usize].as_str());
    if ty != ColType::Cat {
        return Ok(
            StringChunked::from_iter_options(name, codes.iter().map(|c| at(*c))).into_series(),
        );
    }
    let mut used = vec![false; dict.len()];
    for c in codes.iter().filter(|c| **c != NULL_CODE) {
        used[*c as usize] = true;
    }
    let mut distinct: Vec<u32> = (0..dict.len() as u32)
        .filter(|c| used[*c as usize])
        .collect();
    distinct.sort_unstable_by(|a, b| dict[*a as usize].as_str().cmp(dict[*b as usize].as_str()));
    let mut rank = vec![NULL_CODE; dict.len()];
    for (r, c) in distinct.iter().enumerate() {
        rank[*c as usize] = r as u32;
    }
    let cats = FrozenCategories::new(distinct.iter().map(|c| dict[*c as usize].as_str()))?;
    let dtype = DataType::from_frozen_categories(cats);
    let ids = codes
        .iter()
        .map(|c| (*c != NULL_CODE).then(|| rank[*c as usize]));
    // The physical codes in the width the Enum uses (u8 up to 256 categories, …).
    Ok(
        with_match_categorical_physical_type!(dtype.cat_physical()?, |$C| {
            type Phys = <$C as PolarsCategoricalType>::PolarsPhysical;
            type Native = <$C as PolarsCategoricalType>::Native;
            let ca = ChunkedArray::<Phys>::from_iter_options(
                name,
                ids.map(|i| i.map(|i| Native::try_from(i).expect("rank below the category count"))),
            );
            CategoricalChunked::<$C>::from_cats_and_dtype(ca, dtype).into_series()
        }),
    )
}

/// Build a frame from named, typed columns (all the same length).
pub fn build(columns: Vec<(&str, ColType, Values)>) -> PolarsResult<DataFrame> {
    let height = columns.first().map(|(_, _, v)| v.len()).unwrap_or(0);
    let cols = columns
        .into_iter()
        .map(|(n, t, v)| to_column(n, t, v))
        .collect::<PolarsResult<Vec<_>>>()?;
    DataFrame::new(height, cols)
}

/// Build a frame of plain (non-categorical) columns: the shape of metric tables.
pub fn build_plain(columns: Vec<(&str, Values)>) -> PolarsResult<DataFrame> {
    build(
        columns
            .into_iter()
            .map(|(n, v)| {
                let t = match &v {
                    Values::Str(_) | Values::Coded { .. } => ColType::Str,
                    Values::F64(_) => ColType::F64,
                    Values::I64(_) => ColType::I64,
                    Values::Bool(_) => ColType::Bool,
                    Values::Date(_) => ColType::Date,
                    Values::Time(_) => ColType::Time,
                };
                (n, t, v)
            })
            .collect(),
    )
}

pub fn height(df: &DataFrame) -> usize {
    df.height()
}

pub fn has_column(df: &DataFrame, name: &str) -> bool {
    df.column(name).is_ok()
}

/// A string (or categorical) column's values.
pub fn strs(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    let c = df.column(name)?.cast(&DataType::String)?;
    Ok(c.str()?.iter().map(|v| v.map(str::to_string)).collect())
}

pub fn f64s(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    let c = df.column(name)?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().collect())
}

pub fn i64s(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i64>>> {
    let c = df.column(name)?.cast(&DataType::Int64)?;
    Ok(c.i64()?.iter().collect())
}

pub fn bools(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<bool>>> {
    let c = df.column(name)?.cast(&DataType::Boolean)?;
    Ok(c.bool()?.iter().collect())
}

pub fn dates(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<NaiveDate>>> {
    let c = df.column(name)?.cast(&DataType::Int32)?;
    Ok(c.i32()?
        .iter()
        .map(|d| d.and_then(|d| EPOCH.checked_add_signed(chrono::Duration::days(d as i64))))
        .collect())
}

pub fn times(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<NaiveDateTime>>> {
    let c = df.column(name)?.cast(&DataType::Int64)?;
    Ok(c.i64()?
        .iter()
        .map(|t| {
            t.and_then(DateTime::from_timestamp_millis)
                .map(|t| t.naive_utc())
        })
        .collect())
}

/// Append `other` below `acc` (columns matched by name and type).
pub fn append(acc: &mut Option<DataFrame>, other: DataFrame) -> PolarsResult<()> {
    match acc {
        None => *acc = Some(other),
        Some(df) => {
            // Enum columns of different partitions have different categories: compare as
            // strings when stacking.
            let a = to_plain_strings(df)?;
            let b = to_plain_strings(&other)?;
            let mut a = a;
            a.vstack_mut_owned(b)?;
            *acc = Some(a);
        }
    }
    Ok(())
}

fn to_plain_strings(df: &DataFrame) -> PolarsResult<DataFrame> {
    let cols = df
        .columns()
        .iter()
        .map(|c| match c.dtype() {
            DataType::Categorical(_, _) | DataType::Enum(_, _) => c.cast(&DataType::String),
            _ => Ok(c.clone()),
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    DataFrame::new(df.height(), cols)
}

/// Add a constant string column (the Hive partition value when reading a partition).
pub fn with_const_str(df: DataFrame, name: &str, value: &str) -> PolarsResult<DataFrame> {
    let mut df = to_plain_strings(&df)?;
    let col = Series::new(name.into(), vec![value; df.height()]).into_column();
    df.with_column(col)?;
    Ok(df)
}

/// A string (or categorical) column as small integer codes in order of first appearance,
/// and the strings they stand for. A categorical column (the lake's dictionary-encoded
/// columns) is coded from its category ids, without looking at a string per row; a plain
/// string column is hashed row by row, borrowing the strings (no allocation per row: a
/// `String` per row and column was most of the analysis' memory at 10 million answers).
pub fn codes(df: &DataFrame, name: &str) -> PolarsResult<(Vec<Option<u32>>, Vec<String>)> {
    let column = df.column(name)?;
    /// The category ids of a categorical column, chunk by chunk (no per-row iterator).
    fn ids<T: PolarsCategoricalType>(c: &CategoricalChunked<T>) -> Vec<Option<u32>>
    where
        T::Native: Into<u32>,
    {
        let mut out = Vec::with_capacity(c.len());
        for arr in c.physical().downcast_iter() {
            match arr.validity() {
                None => out.extend(arr.values().iter().map(|v| Some((*v).into()))),
                Some(valid) => out.extend(
                    arr.values()
                        .iter()
                        .zip(valid.iter())
                        .map(|(v, ok)| ok.then(|| (*v).into())),
                ),
            }
        }
        out
    }
    let (ids, mapping): (Vec<Option<u32>>, _) = match column.dtype().cat_physical() {
        Ok(CategoricalPhysical::U8) => {
            let c = column.cat8()?;
            (ids(c), c.get_mapping())
        }
        Ok(CategoricalPhysical::U16) => {
            let c = column.cat16()?;
            (ids(c), c.get_mapping())
        }
        Ok(CategoricalPhysical::U32) => {
            let c = column.cat32()?;
            (ids(c), c.get_mapping())
        }
        Err(_) => return string_codes(column),
    };
    // Category id → our code, assigned in order of first appearance.
    let mut ours: Vec<Option<u32>> = Vec::new();
    let mut names = Vec::new();
    let mut codes = Vec::with_capacity(ids.len());
    for id in ids {
        codes.push(match id {
            None => None,
            Some(id) => {
                let i = id as usize;
                if i >= ours.len() {
                    ours.resize(i + 1, None);
                }
                match ours[i] {
                    Some(c) => Some(c),
                    None => {
                        let s = mapping.cat_to_str(id).ok_or_else(|| {
                            polars_err!(ComputeError: "column `{name}`: category id {id} has no string")
                        })?;
                        names.push(s.to_string());
                        let c = (names.len() - 1) as u32;
                        ours[i] = Some(c);
                        Some(c)
                    }
                }
            }
        });
    }
    Ok((codes, names))
}

fn string_codes(column: &Column) -> PolarsResult<(Vec<Option<u32>>, Vec<String>)> {
    let column = column.cast(&DataType::String)?;
    let mut index: PlHashMap<&str, u32> = PlHashMap::default();
    let mut names = Vec::new();
    // Rows often repeat the row above (a response's id over its answers): same code, no hash.
    let mut last: Option<(&str, u32)> = None;
    let codes = column
        .str()?
        .iter()
        .map(|s| {
            s.map(|s| match last {
                Some((l, c)) if l == s => c,
                _ => {
                    let c = *index.entry(s).or_insert_with(|| {
                        names.push(s.to_string());
                        (names.len() - 1) as u32
                    });
                    last = Some((s, c));
                    c
                }
            })
        })
        .collect();
    Ok((codes, names))
}

/// Add a constant string column without touching the others (categorical columns stay
/// categorical: cheaper than [`with_const_str`] when the frame is only read).
pub fn add_const_str(mut df: DataFrame, name: &str, value: &str) -> PolarsResult<DataFrame> {
    // A scalar column: one value, not one string per row (a month has a million rows).
    let scalar = Scalar::new(DataType::String, AnyValue::StringOwned(value.into()));
    let col = Column::new_scalar(name.into(), scalar, df.height());
    df.with_column(col)?;
    Ok(df)
}

/// The column names of a frame, in order.
pub fn column_names(df: &DataFrame) -> Vec<String> {
    df.columns().iter().map(|c| c.name().to_string()).collect()
}
