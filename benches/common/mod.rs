//! What the benches share: how a set of timings is reported.

use std::time::Duration;

/// Prints the median, 99th percentile and maximum of `samples`.
pub fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |fraction: f64| samples[((samples.len() - 1) as f64 * fraction) as usize];
    println!(
        "{what}: median {:?}, p99 {:?}, max {:?}",
        at(0.5),
        at(0.99),
        samples[samples.len() - 1]
    );
}
