//! One writing run at a time per workspace: an advisory lock (`flock`) on
//! `<workspace>/.csat.lock`. The kernel releases it when the holder exits or is killed, so
//! a lock left by a killed run is never "stale" in a way that blocks: the next run takes
//! it over and says whose it was. The file records the holder's pid and start time for
//! the message a second run prints.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The name of the lock file in the workspace (the directory of `csat.toml`).
pub const LOCK_FILE: &str = ".csat.lock";

/// A held workspace lock; released on drop (and by the kernel if the process dies).
#[derive(Debug)]
pub struct Lock {
    _file: File,
    pub path: PathBuf,
    /// The holder recorded in the file when we took it over from a run that had died.
    pub took_over: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another csat run holds the workspace lock {path} ({holder}); it runs one at a time — wait for it to finish (or stop it), then run again")]
    Held { path: PathBuf, holder: String },
    #[error("cannot open the workspace lock {path}: {source}; {fix}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
        /// What to do about it, for the kind of error.
        fix: String,
    },
}

fn holder_of(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() {
        "holder unknown".into()
    } else {
        t.replace('\n', ", ")
    }
}

/// What a user can do when the lock cannot be opened: csat writes in the workspace (lock,
/// lake, marts, reports), so the usual cause is a cron job running as another user.
fn fix_for(e: &std::io::Error, dir: &Path) -> String {
    let shown = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => format!(
            "csat writes its lock, lake, marts and reports inside the workspace, so run it as a user who may write to {} (see `ls -ld {}`; for cron, the crontab of the workspace's owner), or give that user write permission",
            shown.display(),
            shown.display()
        ),
        std::io::ErrorKind::ReadOnlyFilesystem => format!(
            "{} is on a read-only file system; copy the workspace to a writable disk, or remount it read-write",
            shown.display()
        ),
        _ => format!(
            "check that {} exists and can be written to",
            shown.display()
        ),
    }
}

/// Take the lock of the workspace at `dir`, or fail at once with who holds it.
pub fn acquire(dir: &Path, started: &str) -> Result<Lock, LockError> {
    let path = dir.join(LOCK_FILE);
    let io = |source: std::io::Error| LockError::Io {
        path: path.clone(),
        fix: fix_for(&source, dir),
        source,
    };
    if !dir.as_os_str().is_empty() {
        crate::lake::create_dirs(dir).map_err(io)?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    let mut previous = String::new();
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let _ = file.read_to_string(&mut previous);
            return Err(LockError::Held {
                holder: holder_of(&previous),
                path,
            });
        }
        Err(TryLockError::Error(e)) => return Err(io(e)),
    }
    let _ = file.read_to_string(&mut previous);
    let me = format!("pid {}\nstarted {started}\n", std::process::id());
    file.set_len(0).map_err(io)?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    file.write_all(me.as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok(Lock {
        _file: file,
        path,
        took_over: (!previous.trim().is_empty()).then(|| holder_of(&previous)),
    })
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Leave the file (another run may already be waiting to open it) but empty it, so
        // a leftover never names a run that finished cleanly.
        let _ = self._file.set_len(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_fails_naming_the_holder_and_a_released_one_is_taken() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ws");
        let first = acquire(&dir, "2026-12-01T02:00:00+08:00").unwrap();
        assert!(first.took_over.is_none());
        match acquire(&dir, "later") {
            Err(LockError::Held { holder, .. }) => {
                assert!(
                    holder.contains(&format!("pid {}", std::process::id())),
                    "{holder}"
                );
                assert!(holder.contains("2026-12-01T02:00:00+08:00"), "{holder}");
            }
            other => panic!("expected Held, got {other:?}"),
        }
        drop(first);
        let again = acquire(&dir, "now").unwrap();
        assert!(
            again.took_over.is_none(),
            "a clean release leaves nothing to take over"
        );
        drop(again);
        // A killed holder: the file names it, but nobody holds the flock.
        std::fs::write(dir.join(LOCK_FILE), "pid 999999\nstarted yesterday\n").unwrap();
        let taken = acquire(&dir, "now").unwrap();
        assert_eq!(
            taken.took_over.as_deref(),
            Some("pid 999999, started yesterday")
        );
        drop(taken);
    }
}

#[cfg(test)]
mod fix_tests {
    use super::*;

    #[test]
    fn a_lock_that_cannot_be_opened_names_the_fix() {
        // Issue 14.7: "Permission denied" and no fix (not reproducible through the binary
        // when tests run as root, who may write anywhere).
        let e = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let fix = fix_for(&e, Path::new("/srv/csat"));
        assert!(
            fix.contains("may write to /srv/csat") && fix.contains("ls -ld /srv/csat"),
            "{fix}"
        );
        let fix = fix_for(&e, Path::new(""));
        assert!(fix.contains("may write to ."), "{fix}");
        let ro = std::io::Error::from(std::io::ErrorKind::ReadOnlyFilesystem);
        assert!(fix_for(&ro, Path::new("/mnt")).contains("read-only"));
    }
}
