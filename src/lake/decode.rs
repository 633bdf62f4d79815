//! Parquet → frames, with dictionary columns imported by their codes.
//!
//! polars' reader decodes a dictionary-encoded column (every categorical column of the lake)
//! into codes and a dictionary, then turns that into a categorical column by looking up the
//! string of every row (`from_str_iter`: a fifth of the analysis' time at ten million
//! answers). This reader decodes pages with polars' own Parquet decoder and maps each
//! dictionary entry once, then the codes; every other column goes through polars' import as
//! usual. The frame is the one `ParquetReader` gives (same columns, types, values); the
//! lake's tests compare the two.

use std::io::Cursor;

use polars::prelude::*;
use polars_arrow::array::{Array, DictionaryArray, DictionaryKey, Utf8ViewArray};
use polars_arrow::datatypes::{ArrowDataType, Field, IntegerType};
use polars_buffer::Buffer;
use polars_parquet::read::{
    column_iter_to_arrays, infer_schema, read_metadata, BasicDecompressor, FileMetadata, PageReader,
};

/// The named columns (all, in file order, for `None`) of a Parquet file's bytes; a named
/// column the file lacks is an error.
pub fn read(bytes: Vec<u8>, columns: Option<&[&str]>) -> PolarsResult<DataFrame> {
    read_with(bytes, columns, false)
}

/// The same, with a named column the file lacks read as a column of nulls (text): a month
/// written before a custom field was configured has none of its values.
pub fn read_or_null(bytes: Vec<u8>, columns: &[&str]) -> PolarsResult<DataFrame> {
    read_with(bytes, Some(columns), true)
}

fn read_with(bytes: Vec<u8>, columns: Option<&[&str]>, nulls: bool) -> PolarsResult<DataFrame> {
    let buf = Buffer::from(bytes);
    let md = read_metadata(&mut Cursor::new(&buf[..]))?;
    let schema = infer_schema(&md)?;
    let names: Vec<PlSmallStr> = match columns {
        Some(cs) => cs.iter().map(|c| PlSmallStr::from(*c)).collect(),
        None => schema.iter_names().cloned().collect(),
    };
    let mut out = Vec::with_capacity(names.len());
    for name in &names {
        let Some(field) = schema.get(name) else {
            if nulls {
                out.push(Column::full_null(
                    name.clone(),
                    md.num_rows,
                    &DataType::String,
                ));
                continue;
            }
            polars_bail!(ColumnNotFound: "no column `{name}` in the file");
        };
        let arrays = arrays(&buf, &md, field)?;
        out.push(column(field, arrays)?.into_column());
    }
    DataFrame::new(md.num_rows, out)
}

/// The decoded arrays of one column (one per row group).
fn arrays(buf: &Buffer<u8>, md: &FileMetadata, field: &Field) -> PolarsResult<Vec<Box<dyn Array>>> {
    let name = &field.name;
    let mut arrays: Vec<Box<dyn Array>> = Vec::new();
    for rg in &md.row_groups {
        let Some(chunks) = rg.columns_under_root_iter(name) else {
            polars_bail!(ComputeError: "a row group lacks column `{name}`");
        };
        let (decompressors, types): (Vec<_>, Vec<_>) = chunks
            .map(|meta| {
                let range = meta.byte_range();
                let bytes = buf.clone().sliced(range.start as usize..range.end as usize);
                let pages = PageReader::new(Cursor::new(bytes), meta, vec![], usize::MAX);
                (
                    BasicDecompressor::new(pages, vec![]),
                    &meta.descriptor().descriptor.primitive_type,
                )
            })
            .unzip();
        arrays.extend(column_iter_to_arrays(decompressors, types, field.clone(), None)?.0);
    }
    Ok(arrays)
}

/// One column from its arrays (one per row group).
fn column(field: &Field, arrays: Vec<Box<dyn Array>>) -> PolarsResult<Series> {
    let dtype = DataType::from_arrow_field(field);
    if arrays.is_empty() {
        // A file without rows has no row group.
        return Ok(Series::new_empty(field.name.clone(), &dtype));
    }
    if let (ArrowDataType::Dictionary(key, _, _), DataType::Enum(..) | DataType::Categorical(..)) =
        (field.dtype(), &dtype)
    {
        let coded = match key {
            IntegerType::UInt8 => by_codes::<u8>(field, &arrays, &dtype)?,
            IntegerType::UInt16 => by_codes::<u16>(field, &arrays, &dtype)?,
            IntegerType::UInt32 => by_codes::<u32>(field, &arrays, &dtype)?,
            _ => None,
        };
        if let Some(s) = coded {
            return Ok(s);
        }
    }
    Series::try_from((field, arrays))
}

/// A categorical column from dictionary arrays: each dictionary entry looked up once in the
/// column's categories, then every row's code translated. `None` when the arrays are not
/// what this expects (polars' import then does it the slow way).
fn by_codes<K: DictionaryKey>(
    field: &Field,
    arrays: &[Box<dyn Array>],
    dtype: &DataType,
) -> PolarsResult<Option<Series>> {
    let (DataType::Enum(_, mapping) | DataType::Categorical(_, mapping)) = dtype else {
        return Ok(None);
    };
    let mut ids: Vec<Option<u32>> = Vec::with_capacity(arrays.iter().map(|a| a.len()).sum());
    for a in arrays {
        let Some(d) = a.as_any().downcast_ref::<DictionaryArray<K>>() else {
            return Ok(None);
        };
        let Some(values) = d.values().as_any().downcast_ref::<Utf8ViewArray>() else {
            return Ok(None);
        };
        let mut cat_of = Vec::with_capacity(values.len());
        for v in values.iter() {
            // A dictionary value that is not a category: let polars' import decide.
            match v.map(|s| mapping.get_cat(s)) {
                Some(Some(c)) => cat_of.push(Some(c)),
                Some(None) => return Ok(None),
                None => cat_of.push(None),
            }
        }
        for k in d.keys().iter() {
            ids.push(k.and_then(|k| {
                let i: usize = (*k).try_into().ok()?;
                cat_of.get(i).copied().flatten()
            }));
        }
    }
    let name = field.name.clone();
    Ok(Some(
        with_match_categorical_physical_type!(dtype.cat_physical()?, |$C| {
            type Phys = <$C as PolarsCategoricalType>::PolarsPhysical;
            type Native = <$C as PolarsCategoricalType>::Native;
            let mut fits = true;
            let ca = ChunkedArray::<Phys>::from_iter_options(
                name,
                ids.iter().map(|i| i.and_then(|i| {
                    let n = Native::try_from(i).ok();
                    fits &= n.is_some();
                    n
                })),
            );
            if !fits {
                return Ok(None);
            }
            CategoricalChunked::<$C>::from_cats_and_dtype(ca, dtype.clone()).into_series()
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Values;
    use crate::schema::ColType;

    /// Parquet bytes of `df` in row groups of `rows` rows (as the lake writes them, zstd).
    fn parquet(df: &DataFrame, rows: usize) -> Vec<u8> {
        let mut df = df.clone();
        let mut buf = Cursor::new(Vec::new());
        ParquetWriter::new(&mut buf)
            .with_compression(ParquetCompression::Zstd(None))
            .with_row_group_size(Some(rows))
            .set_parallel(false)
            .finish(&mut df)
            .unwrap();
        buf.into_inner()
    }

    /// What polars' own reader gives.
    fn polars_reads(bytes: &[u8], columns: Option<&[&str]>) -> DataFrame {
        ParquetReader::new(Cursor::new(bytes.to_vec()))
            .with_columns(columns.map(|c| c.iter().map(|s| s.to_string()).collect()))
            .finish()
            .unwrap()
    }

    fn sample(n: usize) -> DataFrame {
        let s = |f: &dyn Fn(usize) -> Option<String>| Values::Str((0..n).map(f).collect());
        crate::frame::build(vec![
            // Few categories (u8 codes), with nulls.
            (
                "store",
                ColType::Cat,
                s(&|i| (i % 7 != 3).then(|| format!("S{:02}", i % 12))),
            ),
            // More than 256 categories (u16 codes).
            ("id", ColType::Cat, s(&|i| Some(format!("门店{}", i % 700)))),
            (
                "text",
                ColType::Str,
                s(&|i| (i % 5 != 0).then(|| format!("意见 {i}"))),
            ),
            (
                "score",
                ColType::F64,
                Values::F64(
                    (0..n)
                        .map(|i| (i % 9 != 0).then_some(i as f64 / 4.0))
                        .collect(),
                ),
            ),
            (
                "flag",
                ColType::Bool,
                Values::Bool((0..n).map(|i| (i % 4 != 0).then_some(i % 3 == 0)).collect()),
            ),
        ])
        .unwrap()
    }

    #[test]
    fn frames_equal_polars_own_reader_over_row_groups_projections_and_nulls() {
        let df = sample(5000);
        for rows in [5000, 700] {
            let bytes = parquet(&df, rows);
            let ours = read(bytes.clone(), None).unwrap();
            let theirs = polars_reads(&bytes, None);
            assert_eq!(ours.schema(), theirs.schema());
            assert!(
                ours.equals_missing(&theirs),
                "all columns, row groups of {rows}"
            );
            assert!(ours.equals_missing(&df));
            let cols = ["score", "store", "id"];
            let ours = read(bytes.clone(), Some(&cols)).unwrap();
            assert!(ours.equals_missing(&polars_reads(&bytes, Some(&cols))));
        }
        assert!(read(parquet(&df, 5000), Some(&["nope"])).is_err());
        // No rows (a source without rejects): the columns and their types all the same.
        let empty = df.head(Some(0));
        let bytes = parquet(&empty, 100);
        let ours = read(bytes.clone(), None).unwrap();
        assert_eq!(ours.height(), 0);
        assert_eq!(ours.schema(), polars_reads(&bytes, None).schema());
    }

    #[test]
    fn categorical_columns_take_the_path_by_codes() {
        let bytes = parquet(&sample(3000), 1000);
        let buf = Buffer::from(bytes);
        let md = read_metadata(&mut Cursor::new(&buf[..])).unwrap();
        let schema = infer_schema(&md).unwrap();
        for (name, key) in [("store", IntegerType::UInt8), ("id", IntegerType::UInt16)] {
            let field = schema.get(name).unwrap();
            let arrays = arrays(&buf, &md, field).unwrap();
            assert_eq!(arrays.len(), 3, "one array per row group");
            let dtype = DataType::from_arrow_field(field);
            let coded = match key {
                IntegerType::UInt8 => by_codes::<u8>(field, &arrays, &dtype),
                _ => by_codes::<u16>(field, &arrays, &dtype),
            };
            assert!(coded.unwrap().is_some(), "{name} is read by its codes");
        }
    }
}
