//! The `csat` command line: parse → load and validate config → run one subcommand →
//! exit code. All work happens in the library; this file only wires it up.

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use csat::cmd::{self, EXIT_CODES_HELP};

/// csat — monthly customer-satisfaction analysis: raw survey, complaint and customer
/// exports → Parquet lake → metrics → charts and a management-review report (PDF/HTML).
#[derive(Debug, Parser)]
#[command(name = "csat", version = VERSION, after_help = EXIT_CODES_HELP)]
struct Cli {
    /// More log output on stderr (-v info, -vv debug).
    #[arg(long, short = 'v', action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// Messages on stderr as plain lines (text) or one JSON object per line (json), for
    /// schedulers and log collectors.
    #[arg(long, value_enum, default_value = "text", global = true)]
    log_format: cmd::say::LogFormat,
    /// Only warnings, errors and the command's result line (for `run`, its summary line):
    /// what cron should mail.
    #[arg(long, short = 'q', global = true)]
    quiet: bool,
    /// Colour of `warning`/`error` on stderr: auto (a terminal, unless NO_COLOR is set),
    /// always or never.
    #[arg(long, value_enum, default_value = "auto", global = true)]
    color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the deterministic demo workspace.
    #[command(after_help = EXIT_CODES_HELP)]
    Demo(cmd::demo::Args),
    /// A first csat.toml from your own files (layouts, columns, scales guessed; TODOs marked).
    #[command(after_help = EXIT_CODES_HELP)]
    Init(cmd::init::Args),
    /// Raw files → validated Parquet lake (rejects and ledger included).
    #[command(after_help = EXIT_CODES_HELP)]
    Ingest(cmd::ingest::Args),
    /// Lake → metric tables (marts) of one month.
    #[command(after_help = EXIT_CODES_HELP)]
    Analyze(cmd::analyze::Args),
    /// Marts → charts, report.pdf, report.html, summary.json.
    #[command(after_help = EXIT_CODES_HELP)]
    Report(cmd::report::Args),
    /// The monthly job: ingest, analyze and report.
    #[command(after_help = EXIT_CODES_HELP)]
    Run(cmd::run::Args),
    /// How many answers and invitations next period needs per store for a target margin.
    #[command(after_help = EXIT_CODES_HELP)]
    Plan(cmd::plan::Args),
    /// What the workspace holds (finishing or undoing an interrupted run first).
    #[command(after_help = EXIT_CODES_HELP)]
    Status(cmd::status::Args),
    /// Dry-run ingest of given files: layout, encoding, mapping, rejects; writes nothing.
    #[command(after_help = EXIT_CODES_HELP)]
    Validate(cmd::validate::Args),
    /// Shell completions on stdout (e.g. `csat completions bash > /etc/bash_completion.d/csat`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// The manual page (roff) on stdout (e.g. `csat man > /usr/local/share/man/man1/csat.1`).
    Man,
}

/// The version and the commit it was built from (`csat --version`, and the line a bug
/// report should quote).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("CSAT_COMMIT"), ")");

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    /// Whether log lines on stderr get colour: `auto` means a terminal and no `NO_COLOR`
    /// (<https://no-color.org>: set and not empty).
    fn on(self) -> bool {
        use std::io::IsTerminal;
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stderr().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

fn main() -> ExitCode {
    // One polars thread: multi-threaded group sums add floating-point numbers in an order
    // that varies from run to run, and outputs must be byte-identical for the same input.
    // The data of a monthly run is small; determinism is worth more than the speed-up.
    if std::env::var_os("POLARS_MAX_THREADS").is_none() {
        std::env::set_var("POLARS_MAX_THREADS", "1");
    }
    let cli = Cli::parse();
    cmd::say::init(cli.log_format, cli.quiet, cli.color.on());
    let max = match cli.verbose {
        0 => tracing::Level::WARN,
        1 => tracing::Level::INFO,
        _ => tracing::Level::DEBUG,
    };
    // One logger: the library's `tracing` events go through `say`, like every message.
    use tracing_subscriber::layer::SubscriberExt;
    let subscriber = tracing_subscriber::registry().with(cmd::say::TracingLayer { max });
    let _ = tracing::subscriber::set_global_default(subscriber);
    // A panic is a bug: report it as an internal error (exit 1), not Rust's 101. Fault
    // injection for the exit-code test: CSAT_TEST_PANIC makes the command panic at once.
    std::panic::set_hook(Box::new(|info| {
        if csat::panics::is_quiet() {
            return; // a third-party parser on a damaged file: reported as a data error
        }
        cmd::say::error(&format!(
            "internal error (a bug; please report it with the command line and `csat --version`): {info}"
        ));
    }));
    let run = || {
        if std::env::var_os("CSAT_TEST_PANIC").is_some() {
            panic!("CSAT_TEST_PANIC is set");
        }
        dispatch(&cli.command)
    };
    let result = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(r) => r,
        Err(_) => return ExitCode::from(cmd::Kind::Internal.code()),
    };
    match result {
        Ok(()) if cmd::say::warnings() > 0 => ExitCode::from(cmd::exit::WARNINGS),
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            cmd::say::failure(&f);
            f.exit_code()
        }
    }
}

fn dispatch(command: &Command) -> cmd::CmdResult {
    match command {
        Command::Demo(a) => cmd::demo::run(a),
        Command::Init(a) => cmd::init::run(a),
        Command::Ingest(a) => cmd::ingest::run(a),
        Command::Analyze(a) => cmd::analyze::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Run(a) => cmd::run::run(a),
        Command::Validate(a) => cmd::validate::run(a),
        Command::Plan(a) => cmd::plan::run(a),
        Command::Status(a) => cmd::status::run(a),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "csat", &mut out);
            cmd::say::out(String::from_utf8_lossy(&out).trim_end());
            Ok(())
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(|e| cmd::Failure::new(cmd::Kind::Internal, e.to_string()))?;
            cmd::say::out(String::from_utf8_lossy(&out).trim_end());
            Ok(())
        }
    }
}
