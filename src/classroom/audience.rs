//! The audiences served from inside the presenting process — browsers and SSH clients — run on
//! one small tokio runtime, started only when `present` is asked to serve one of them: a reader
//! on their own, and a presenter without them, start no runtime and no thread for it.

use std::io;

use tokio::runtime::{Builder, Runtime};

/// Worker threads: serving pages and drawing followers' screens is light work, and the
/// presenter's own loop must keep a core.
const WORKERS: usize = 2;

/// A runtime for the audiences, its threads named so that `top -H` tells them apart.
pub fn runtime() -> io::Result<Runtime> {
    Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .thread_name("classroom-audience")
        .enable_io()
        .enable_time()
        .build()
}
