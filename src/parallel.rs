//! Work spread over a few threads, with results in a fixed order, so that a parallel stage
//! gives byte for byte what the same stage gives on one thread.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// At most this many workers: the machines csat is for have two cores or more, and every
/// worker holds its own share of a stage's data (analyze holds a month per worker), so the
/// memory the README states assumes two.
pub const WORKERS: usize = 2;

/// How many workers to use for `jobs` jobs: [`WORKERS`], fewer on a one-core machine or for
/// fewer jobs, at least one.
pub fn workers(jobs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    WORKERS.min(cores).min(jobs).max(1)
}

/// `f` applied to every item, on up to [`workers`] threads, the costliest items first (so
/// one long job does not start last); the results in the order of `items`. A panic in a
/// worker is resumed on the caller's thread.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    cost: impl Fn(&T) -> u64,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let workers = workers(items.len());
    if workers == 1 {
        return items.iter().map(f).collect();
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cost(&items[i])));
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = order.get(k) else {
                        break;
                    };
                    let r = f(&items[i]);
                    done.lock().unwrap_or_else(|e| e.into_inner()).push((i, r));
                })
            })
            .collect();
        for h in handles {
            if let Err(panic) = h.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_the_order_of_the_items_whatever_finishes_first() {
        let items: Vec<u64> = (0..20).collect();
        // The cheap items (by cost) start last and finish first.
        let out = map(
            &items,
            |x| *x,
            |x| {
                std::thread::sleep(std::time::Duration::from_millis(*x));
                x * 10
            },
        );
        assert_eq!(out, items.iter().map(|x| x * 10).collect::<Vec<_>>());
        assert!(map(&[] as &[u64], |x| *x, |x| *x).is_empty());
    }

    #[test]
    fn a_panicking_job_is_a_panic_of_the_caller() {
        let r = std::panic::catch_unwind(|| {
            map(
                &[1, 2, 3],
                |_| 0,
                |x| if *x == 2 { panic!("job 2") } else { *x },
            )
        });
        assert!(r.is_err());
    }
}
