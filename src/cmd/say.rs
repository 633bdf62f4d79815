//! What csat tells the person (or scheduler) running it, on stderr: plain lines for people,
//! one JSON object per line with `--log-format json` for schedulers and log collectors.
//! A command's answer (what `status` and `validate` report) goes to stdout ([`out`]), so
//! that it can be piped; a reader that goes away (`csat validate … | head`) ends the
//! command quietly, not with an internal error.
//! Warnings worth a look are counted: a run that had any exits with
//! [`super::exit::WARNINGS`] instead of 0.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static JSON: AtomicBool = AtomicBool::new(false);
static COLOR: AtomicBool = AtomicBool::new(false);
static QUIET: AtomicBool = AtomicBool::new(false);
/// Set by `csat run`: its stages' result lines give way to its one summary line.
static IN_RUN: AtomicBool = AtomicBool::new(false);
static WARNINGS: AtomicUsize = AtomicUsize::new(0);

/// The format of stderr messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// `quiet` (`--quiet`, for cron mail): only warnings, errors and the result line of the
/// command (for `run`, its summary line) are written.
/// `color`: whether the level of a warning or error is coloured (text format only).
pub fn init(format: LogFormat, quiet: bool, color: bool) {
    JSON.store(format == LogFormat::Json, Ordering::Relaxed);
    QUIET.store(quiet, Ordering::Relaxed);
    COLOR.store(color, Ordering::Relaxed);
}

fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// From here on the stages are parts of `csat run`.
pub fn begin_run() {
    IN_RUN.store(true, Ordering::Relaxed);
}

pub fn json() -> bool {
    JSON.load(Ordering::Relaxed)
}

fn emit(level: &str, msg: &str, fields: Option<serde_json::Value>) {
    let mut err = std::io::stderr().lock();
    if json() {
        let mut o = serde_json::json!({
            "time": chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "level": level,
            "msg": msg,
        });
        if let (Some(serde_json::Value::Object(f)), Some(obj)) = (fields, o.as_object_mut()) {
            obj.extend(f);
        }
        let _ = writeln!(err, "{o}");
    } else {
        let paint = match level {
            _ if !COLOR.load(Ordering::Relaxed) => None,
            "warning" => Some("33"),
            "error" => Some("31"),
            _ => None,
        };
        let _ = match (level, paint) {
            ("info", _) => writeln!(err, "{msg}"),
            (_, Some(c)) => writeln!(err, "\x1b[1;{c}m{level}\x1b[0m: {msg}"),
            (_, None) => writeln!(err, "{level}: {msg}"),
        };
    }
}

/// A line of the command's answer, on stdout. When the reader has gone (a closed pipe) the
/// process ends at once with exit 0: the answer was not wanted further, and only read-only
/// commands (`status`, `validate`) answer on stdout.
pub fn out(line: &str) {
    let mut o = std::io::stdout().lock();
    if let Err(e) = writeln!(o, "{line}").and_then(|_| o.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        emit(
            "error",
            &format!("cannot write to standard output: {e}"),
            None,
        );
        std::process::exit(i32::from(super::Kind::Internal.code()));
    }
}

/// A line of progress or a detail (not written with `--quiet`).
pub fn info(msg: &str) {
    if !quiet() {
        emit("info", msg, None);
    }
}

/// A stage's result line with machine-readable fields (the fields appear only in JSON): the
/// command's result when run on its own; with `--quiet` not written inside `csat run`.
pub fn stage(msg: &str, fields: Option<serde_json::Value>) {
    if !(quiet() && IN_RUN.load(Ordering::Relaxed)) {
        emit("info", msg, fields);
    }
}

/// `csat run`'s one summary line: always written.
pub fn summary(msg: &str, fields: serde_json::Value) {
    emit("info", msg, Some(fields));
}

/// A warning worth a look; it makes the run exit with code 6.
pub fn warn(msg: &str) {
    WARNINGS.fetch_add(1, Ordering::Relaxed);
    emit("warning", msg, None);
}

/// Something the user should know that needs no action (not counted as a warning; not
/// written with `--quiet`).
pub fn notice(msg: &str) {
    if !quiet() {
        emit("notice", msg, None);
    }
}

pub fn error(msg: &str) {
    emit("error", msg, None);
}

/// A failed command: `error: message; hint` in text; in JSON the message, the `hint` and
/// the `cause`s below it as their own keys, with the exit code.
pub fn failure(f: &super::Failure) {
    if json() {
        let mut fields = serde_json::json!({ "exit_code": f.kind.code() });
        if let Some(h) = &f.hint {
            fields["hint"] = h.clone().into();
        }
        let causes = f.causes();
        if !causes.is_empty() {
            fields["cause"] = causes.into();
        }
        emit("error", &f.message, Some(fields));
    } else {
        match &f.hint {
            Some(h) => emit("error", &format!("{}; {h}", f.message), None),
            None => emit("error", &f.message, None),
        }
    }
}

/// Warnings so far in this process.
pub fn warnings() -> usize {
    WARNINGS.load(Ordering::Relaxed)
}

/// Progress for a person at a terminal: "[2/3] analyze 2026-10 …". Never written when
/// stderr is not a terminal (cron mail, log files) or with JSON logs.
pub fn progress(step: usize, of: usize, what: &str) {
    if json() || quiet() || !std::io::stderr().is_terminal() {
        return;
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "[{step}/{of}] {what} …");
}

/// The library's instrumentation (`tracing` events of ingest, metrics and analyze, shown with
/// `-v`/`-vv`) written like every other message: one formatter, one JSON schema (`time`,
/// `level`, `msg`, then the event's fields). In text, the fields follow the message as
/// `key=value`.
pub struct TracingLayer {
    pub max: tracing::Level,
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for TracingLayer {
    fn enabled(
        &self,
        meta: &tracing::Metadata<'_>,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) -> bool {
        *meta.level() <= self.max
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut f = EventFields::default();
        event.record(&mut f);
        let level = match *event.metadata().level() {
            tracing::Level::ERROR => "error",
            tracing::Level::WARN => "warning",
            tracing::Level::INFO => "info",
            _ => "debug",
        };
        if json() {
            emit(level, &f.msg, Some(serde_json::Value::Object(f.fields)));
        } else {
            let mut text = f.msg;
            for (k, v) in &f.fields {
                match v {
                    serde_json::Value::String(s) => text.push_str(&format!(" {k}={s}")),
                    other => text.push_str(&format!(" {k}={other}")),
                }
            }
            emit(level, &text, None);
        }
    }
}

/// An event's message and fields (numbers stay numbers in JSON).
#[derive(Default)]
struct EventFields {
    msg: String,
    fields: serde_json::Map<String, serde_json::Value>,
}

impl tracing::field::Visit for EventFields {
    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        self.fields.insert(field.name().into(), value.into());
    }
    fn record_i64(&mut self, field: &tracing::field::Field, value: i64) {
        self.fields.insert(field.name().into(), value.into());
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "message" {
            self.msg = value.to_string();
        } else {
            self.fields.insert(field.name().into(), value.into());
        }
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.msg = format!("{value:?}");
        } else {
            self.fields
                .insert(field.name().into(), format!("{value:?}").into());
        }
    }
}
