//! Finding a source's mapped columns in one file's layout: each mapped header present
//! once, each required field mapped, and the errors that name the header, the columns the
//! file does have and, for a garbled decode, the likely cause.

use std::collections::BTreeMap;

use super::*;

/// The columns of one file as a source maps them, with the errors naming that file.
pub(super) struct Columns<'a> {
    src: &'a Source,
    layout: &'a Layout,
    path: &'a std::path::Path,
    /// Said after a missing header when the headers look like a wrong decode.
    hint: String,
}

impl<'a> Columns<'a> {
    pub(super) fn new(src: &'a Source, layout: &'a Layout, path: &'a std::path::Path) -> Self {
        // Headers full of rare characters after a GB18030 decode are the sign of a file in
        // another encoding (Big5, Shift-JIS, …) read as GBK.
        let garbled = layout.encoding == "gb18030"
            && layout
                .headers
                .iter()
                .flat_map(|h| h.chars())
                .filter(|c| !c.is_ascii())
                .any(|c| crate::font::missing_glyphs(&c.to_string()).len() == 1);
        let hint = if garbled {
            "; the headers look garbled: the file may be in another encoding (save it as UTF-8, or set encoding)".to_string()
        } else {
            String::new()
        };
        Columns {
            src,
            layout,
            path,
            hint,
        }
    }

    /// An error about this file.
    pub(super) fn error(&self, message: String) -> IngestError {
        IngestError::File {
            source_name: self.src.name.clone(),
            path: self.path.to_path_buf(),
            message,
        }
    }

    /// A mapped `header` (of `what`) the file lacks, with the headers it has.
    pub(super) fn missing(&self, header: &str, what: String) -> IngestError {
        let hs = &self.layout.headers;
        let mut shown: Vec<String> = hs
            .iter()
            .take(40)
            .map(|h| format!("`{}`", super::super::clip(h, 60)))
            .collect();
        if hs.len() > 40 {
            shown.push(format!("… and {} more columns", hs.len() - 40));
        }
        IngestError::MissingHeader(Box::new(super::super::MissingHeader {
            source_name: self.src.name.clone(),
            path: self.path.to_path_buf(),
            header: header.to_string(),
            encoding: self.layout.encoding.to_string(),
            layout: self.layout.preset.name().to_string(),
            hint: self.hint.clone(),
            what,
            available: shown.join(", "),
        }))
    }

    /// The column of the mapped header `h` (of `what`). A header that appears more than once
    /// is ambiguous: refused rather than silently read from the first.
    pub(super) fn unique_column(&self, h: &str, what: String) -> Result<usize, IngestError> {
        let i = self.layout.find(h).ok_or_else(|| self.missing(h, what))?;
        let hs = &self.layout.headers;
        let want = super::super::read::normalise_header(&hs[i]);
        let same: Vec<usize> = (0..hs.len())
            .filter(|&j| super::super::read::normalise_header(&hs[j]) == want)
            .collect();
        if same.len() > 1 {
            return Err(self.error(format!(
                "the header `{}` (mapped as `{}`) appears {} times, in columns {}; rename the duplicates in the export so the mapping is unambiguous",
                super::super::clip(&hs[i], 60),
                super::super::clip(h, 60),
                same.len(),
                same.iter().map(|j| (j + 1).to_string()).collect::<Vec<_>>().join(", ")
            )));
        }
        Ok(i)
    }

    /// The source kind's fields found in the file (mapped, or known to its preset), and the
    /// fields mapped to the line number; `dated` when the configuration dates the rows.
    #[allow(clippy::type_complexity)]
    pub(super) fn fields(
        &self,
        dated: bool,
    ) -> Result<
        (
            BTreeMap<&'static str, (usize, FieldType)>,
            Vec<&'static str>,
        ),
        IngestError,
    > {
        let (src, layout) = (self.src, self.layout);
        let mut fields = BTreeMap::new();
        let mut line_ids = Vec::new();
        for f in schema::source_fields(src.kind) {
            if src.columns.get(f.name).is_some_and(|h| h == LINE) {
                line_ids.push(f.name);
                continue;
            }
            if dated && Some(f.name) == schema::time_field(src.kind) {
                continue; // dated by the configuration, not by a column (not even a preset's)
            }
            let col = match src.columns.get(f.name) {
                Some(h) => Some(self.unique_column(h, format!("field `{}`", f.name))?),
                None => layout.meta.get(f.name).copied(),
            };
            match col {
                Some(i) => {
                    fields.insert(f.name, (i, f.ty));
                }
                None if f.required => {
                    return Err(self.error(format!(
                        "no column for the required field `{}` (layout: {}); map it in [sources.columns] as {} = \"<header>\", or set the source's preset if this is a platform export",
                        f.name,
                        layout.preset.name(),
                        f.name
                    )))
                }
                None => {}
            }
        }
        Ok((fields, line_ids))
    }
}
