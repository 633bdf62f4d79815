//! Panics in third-party parsers on hostile input: [`quietly`] runs a closure and turns a
//! panic into an error message, and tells the binary's panic hook (which reports a panic as
//! an internal error) to stay silent for it.

use std::cell::Cell;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current thread is inside [`quietly`] (the panic hook prints nothing then).
pub fn is_quiet() -> bool {
    QUIET.with(Cell::get)
}

/// Run `f`; a panic inside it becomes `Err(message)`.
pub fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let before = QUIET.with(|q| q.replace(true));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(before));
    out.map_err(|e| {
        e.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| e.downcast_ref::<String>().cloned())
            .map(|s| s.lines().next().unwrap_or_default().to_string())
            .unwrap_or_else(|| "a panic".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_and_the_flag_is_restored() {
        assert_eq!(quietly(|| 7), Ok(7));
        let r: Result<(), String> = quietly(|| panic!("assertion failed\nmore"));
        assert_eq!(r, Err("assertion failed".into()));
        assert!(!is_quiet());
    }
}
