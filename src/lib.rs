//! `csat`: the monthly customer-satisfaction pipeline of a quality department.
//!
//! The modules follow the pipeline, in the order data flows through it:
//!
//! 1. [`config`]: `csat.toml` → a validated [`config::Config`] (nothing runs on an unchecked one);
//! 2. [`ingest`]: raw exports (CSV in GBK or UTF-8, XLSX) → canonical tables, every row
//!    accounted for as accepted or rejected with a reason;
//! 3. [`lake`]: the only reader and writer of Parquet, Hive-partitioned by month, atomic writes;
//! 4. [`metrics`]: pure functions from canonical tables to metric tables ("marts"), built on
//!    the small statistical functions in [`metrics::stats`];
//! 5. [`render`]: charts (SVG, PNG), the report (PDF through Typst, HTML) and `summary.json`;
//! 6. [`cmd`]: one file per subcommand, the only place that sequences stages.
//!
//! [`demo`] generates the deterministic demo workspace; [`frame`] is the thin layer between
//! our plain Rust columns and polars `DataFrame`s.
//!
//! Only what the binary and the end-to-end tests use is public (the stages they drive and
//! the types they read back); the rest is `pub(crate)`, so the compiler reports dead code.

pub(crate) mod calendar;
pub mod cmd;
pub mod config;
pub mod demo;
pub(crate) mod font;
pub mod frame;
pub mod ingest;
pub mod lake;
pub(crate) mod lock;
pub(crate) mod mart;
pub(crate) mod metrics;
pub mod panics;
pub(crate) mod parallel;
pub mod period;
pub(crate) mod render;
pub mod schema;
pub(crate) mod zone;

/// The pipeline's direction, checked on the source: a module may use only modules of its own
/// layer or below (no upward import, hence no circle between layers), and only `frame` and
/// `lake` name polars. The layers, lowest first.
#[cfg(test)]
mod layering {
    const LAYERS: &[&[&str]] = &[
        &[
            "schema", "period", "zone", "calendar", "font", "panics", "parallel",
        ],
        &["frame"],
        &["config"],
        &["ingest"],
        &["lake"],
        &["mart"],
        &["metrics"],
        &["render"],
        &["lock", "demo"],
        &["cmd"],
    ];

    fn layer(module: &str) -> Option<usize> {
        LAYERS.iter().position(|l| l.contains(&module))
    }

    /// Every `.rs` file under `dir` with the top-level module it belongs to.
    fn files(dir: &std::path::Path, out: &mut Vec<(String, std::path::PathBuf)>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p
                    .strip_prefix(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
                    .unwrap();
                let top = rel
                    .components()
                    .next()
                    .unwrap()
                    .as_os_str()
                    .to_string_lossy();
                out.push((top.trim_end_matches(".rs").to_string(), p.clone()));
            }
        }
    }

    #[test]
    fn imports_point_down_the_pipeline_and_only_frame_and_lake_name_polars() {
        let mut all = Vec::new();
        files(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
            &mut all,
        );
        let mut wrong = Vec::new();
        for (top, path) in &all {
            if matches!(top.as_str(), "lib" | "main") {
                continue;
            }
            let own = layer(top).unwrap_or_else(|| panic!("{top} is in no layer"));
            let text = std::fs::read_to_string(path).unwrap();
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                for (at, _) in code.match_indices("crate::") {
                    let rest = &code[at + 7..];
                    // `crate::x::…`, or a group `crate::{x, y::z}` (on one line).
                    let group = rest
                        .strip_prefix('{')
                        .map(|g| g.split('}').next().unwrap_or_default());
                    let names: Vec<&str> = match group {
                        Some(g) => g.split(',').collect(),
                        None => vec![rest],
                    };
                    for name in names {
                        let used: String = name
                            .trim()
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        if layer(&used).is_some_and(|l| l > own) {
                            wrong.push(format!(
                                "{}:{}: {top} uses {used}, a later stage",
                                path.display(),
                                i + 1
                            ));
                        }
                    }
                }
                if code.contains("polars::") && !matches!(top.as_str(), "frame" | "lake") {
                    wrong.push(format!(
                        "{}:{}: polars outside frame/lake",
                        path.display(),
                        i + 1
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        // The check sees the modules it should (a renamed module would slip past it).
        assert!(all.iter().any(|(t, _)| t == "metrics") && all.len() > 60);
    }
}
