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

pub mod cmd;
pub mod config;
pub mod demo;
pub mod frame;
pub mod ingest;
pub mod lake;
pub mod lock;
pub mod mart;
pub mod metrics;
pub mod panics;
pub mod parallel;
pub mod period;
pub mod render;
pub mod schema;
pub mod zone;
