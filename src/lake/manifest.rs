//! The user's files are the user's. An output directory that csat replaces as a whole (the
//! marts of a period, the report of a period) carries a manifest, `.csat-manifest`, naming
//! every file csat wrote there. Before the switch, every other file of the old directory (a
//! manager's note beside the report) is carried over into the new one, and the caller warns
//! about it; files of the old manifest that the new output no longer has are dropped with the
//! old directory. A directory from before manifests existed has none: then every file the new
//! output does not replace is kept (the safe reading: csat cannot tell it wrote it).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{create_dirs, write_atomic, LakeError};

pub const MANIFEST: &str = ".csat-manifest";

/// Every file under `dir`, relative to it, sorted; csat's own hidden files (the manifest,
/// staging and temporary files) left out.
fn files(dir: &Path) -> Result<BTreeSet<PathBuf>, LakeError> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| LakeError::Read {
            path: d.clone(),
            source,
        })?;
        for e in entries.flatten() {
            let p = e.path();
            if e.file_name().to_string_lossy().starts_with(".csat-") {
                continue;
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                out.insert(rel.to_path_buf());
            }
        }
    }
    Ok(out)
}

/// Write `staged`'s manifest (every file in it, as csat wrote them) and carry into it the
/// files of `target` that csat did not write; returns those, relative to `target`, for the
/// caller's warning. Files are hard-linked where the file system allows (else copied), so
/// that the old directory stays whole until the switch.
pub fn carry_foreign(target: &Path, staged: &Path) -> Result<Vec<PathBuf>, LakeError> {
    let ours = files(staged)?;
    let mut text = String::from(
        "# files csat wrote here: a rerun replaces these and keeps every other file\n",
    );
    for f in &ours {
        text.push_str(&f.to_string_lossy());
        text.push('\n');
    }
    write_atomic(&staged.join(MANIFEST), text.as_bytes())?;
    if !target.is_dir() {
        return Ok(Vec::new());
    }
    let written: BTreeSet<PathBuf> = std::fs::read_to_string(target.join(MANIFEST))
        .map(|t| {
            t.lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty())
                .map(PathBuf::from)
                .collect()
        })
        .unwrap_or_default();
    let mut kept = Vec::new();
    for rel in files(target)? {
        if ours.contains(&rel) || written.contains(&rel) {
            continue;
        }
        let (from, to) = (target.join(&rel), staged.join(&rel));
        let werr = |path: &Path| {
            let path = path.to_path_buf();
            move |source| LakeError::Write { path, source }
        };
        if let Some(parent) = to.parent() {
            create_dirs(parent).map_err(werr(parent))?;
        }
        if std::fs::hard_link(&from, &to).is_err() {
            std::fs::copy(&from, &to).map_err(werr(&to))?;
        }
        kept.push(rel);
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_users_file_survives_and_a_file_csat_no_longer_writes_goes() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        let (target, staged) = (root.join("2026-10"), root.join("stage"));
        let put = |p: PathBuf, s: &str| {
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, s).unwrap();
        };
        // The first run: nothing to carry; the manifest lists what csat wrote.
        put(staged.join("report.pdf"), "new");
        put(staged.join("charts/a.png"), "new");
        assert!(carry_foreign(&target, &staged).unwrap().is_empty());
        let manifest = std::fs::read_to_string(staged.join(MANIFEST)).unwrap();
        assert!(
            manifest.ends_with("charts/a.png\nreport.pdf\n"),
            "{manifest}"
        );
        std::fs::rename(&staged, &target).unwrap();
        // The user adds a note; the next run no longer draws chart a.
        put(target.join("经理批注.txt"), "x");
        put(staged.join("report.pdf"), "newer");
        let kept = carry_foreign(&target, &staged).unwrap();
        assert_eq!(kept, vec![PathBuf::from("经理批注.txt")]);
        assert_eq!(
            std::fs::read_to_string(staged.join("经理批注.txt")).unwrap(),
            "x"
        );
        assert!(!staged.join("charts/a.png").exists());
        assert!(!std::fs::read_to_string(staged.join(MANIFEST))
            .unwrap()
            .contains("经理批注"));
        // The old directory is untouched until the switch.
        assert!(target.join("经理批注.txt").exists() && target.join("charts/a.png").exists());
    }
}
