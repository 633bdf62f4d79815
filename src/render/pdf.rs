//! The PDF report: the Typst template (`report.typ`) compiled as a library against a
//! virtual file system holding the report data (`/data.json`), the charts and the
//! embedded fonts. No font or file of the machine is ever consulted.

use std::collections::HashMap;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use super::fonts;
use super::RenderError;

/// The template shipped with csat; a workspace may override it (see README).
pub const TEMPLATE: &str = include_str!("report.typ");

/// What every compilation shares: the standard library and the embedded fonts, built once
/// per process, so that Typst's memoised results for them (font parsing, shaping) carry
/// over from one scorecard to the next instead of being rebuilt and re-hashed every page.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn shared() -> &'static Shared {
    static SHARED: std::sync::OnceLock<Shared> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = [fonts::REGULAR, fonts::BOLD]
            .iter()
            .filter_map(|b| Font::new(Bytes::new(*b), 0))
            .collect();
        Shared {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

struct ReportWorld {
    shared: &'static Shared,
    main: FileId,
    source: Source,
    files: HashMap<String, Bytes>,
    today: Datetime,
}

fn file_id(path: &str) -> FileId {
    FileId::new(RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("valid virtual path"),
    ))
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(self.source.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = id.get().vpath().get_with_slash().to_string();
        self.files
            .get(&path)
            .cloned()
            .ok_or_else(|| FileError::NotFound(path.into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn diagnostics(diags: &[SourceDiagnostic]) -> String {
    diags
        .iter()
        .map(|d| d.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Compile `template` with the given virtual files (path → bytes, e.g. `/data.json`) into
/// a PDF. `ident` makes the PDF's document id stable across runs; `today` is the date
/// the template sees, so output depends only on inputs.
pub fn compile(
    template: &str,
    files: Vec<(String, Vec<u8>)>,
    ident: &str,
    today: chrono::NaiveDate,
) -> Result<(Vec<u8>, Vec<String>), RenderError> {
    use chrono::Datelike;
    let main = file_id("/main.typ");
    let world = ReportWorld {
        shared: shared(),
        main,
        source: Source::new(main, template.to_string()),
        files: files.into_iter().map(|(p, b)| (p, Bytes::new(b))).collect(),
        today: Datetime::from_ymd(today.year(), today.month() as u8, today.day() as u8)
            .ok_or_else(|| RenderError::Pdf(format!("invalid date {today}")))?,
    };
    let warned = typst::compile::<PagedDocument>(&world);
    let warnings: Vec<String> = warned
        .warnings
        .iter()
        .map(|w| w.message.to_string())
        .collect();
    let doc = warned.output.map_err(|e| {
        RenderError::Pdf(format!("the report template failed: {}", diagnostics(&e)))
    })?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        ..Default::default()
    };
    let pdf = typst_pdf::pdf(&doc, &options).map_err(|e| RenderError::Pdf(diagnostics(&e)))?;
    // Typst memoises layout in a process-wide cache that only grows; the scorecards compile
    // hundreds of documents in one run, so results unused for two compilations are dropped
    // (as the Typst CLI does between compilations in watch mode). Memory stays bounded by
    // the largest document instead of growing with the number of stores.
    typst::comemo::evict(2);
    Ok((pdf, warnings))
}
