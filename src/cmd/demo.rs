//! `csat demo`: write the deterministic demo workspace.

use std::path::PathBuf;

use super::{CmdResult, Failure, Kind};
use crate::demo;

/// Generate a realistic demo workspace: raw exports (问卷星 GBK CSV, call-centre sheet,
/// mail-survey XLSX, interviews, complaint log, customer file, competitor ratings,
/// benchmarks, improvement actions), its csat.toml and a README of the planted effects.
/// The same seed (and scale) always gives byte-identical files. `--scale K` multiplies
/// every respondent count by K for benchmarks (`tests/bench/scale.sh`): ×100 is about
/// 680,000 web-survey rows, 600,000 customers and 10 million answers in 13 months.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write the workspace into (created if missing; generated files are
    /// overwritten, other files are left alone).
    #[arg(long, default_value = "data/demo", value_name = "DIR")]
    pub out: PathBuf,
    /// Seed of the generator.
    #[arg(long, default_value_t = demo::DEFAULT_SEED)]
    pub seed: u64,
    /// Multiply the customers, survey respondents, calls, mail forms, interviews and
    /// competitor ratings by K (complaints follow the customers); the stores, catalogue,
    /// months, planted effects and the nine bad rows stay the same. 1 is the committed demo.
    #[arg(long, default_value_t = 1, value_name = "K",
          value_parser = clap::value_parser!(u16).range(1..=demo::MAX_SCALE as i64))]
    pub scale: u16,
    /// The number of stores: the twelve named ones and more (D0013 …, spread over the four
    /// regions, sharing the same customers) for benchmarks at dealer scale. 12 is the
    /// committed demo.
    #[arg(long, default_value_t = 12, value_name = "N",
          value_parser = clap::value_parser!(u16).range(12..=demo::MAX_STORES as i64))]
    pub stores: u16,
}

pub fn run(args: &Args) -> CmdResult {
    let files = demo::generate(args.seed, args.scale as usize, args.stores as usize)
        .map_err(|e| Failure::new(Kind::Internal, e))?;
    for f in &files {
        crate::lake::write_atomic(&args.out.join(&f.path), &f.bytes)?;
    }
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    super::say::info(&format!(
        "wrote the demo workspace (seed {}, scale {}, {} stores) to {}: {} files, {} KB. Next: csat run --config {}",
        args.seed,
        args.scale,
        args.stores,
        args.out.display(),
        files.len(),
        bytes / 1024,
        args.out.join("csat.toml").display()
    ));
    Ok(())
}
