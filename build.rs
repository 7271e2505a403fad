//! Prepares the story built into the binary: loads and validates `story/` with izumi's own loader
//! (the modules are shared, not copied) and writes the finished model, so that start-up decodes it
//! instead of parsing TOML. A broken story fails the build with the same messages `izumi check`
//! gives. Also writes the story files' JSON Schema, generated from the loader's raw types, for
//! `izumi schema` to print.

#![forbid(unsafe_code)]

use std::path::Path;
use std::{env, fs, process};

/// The pure story modules of `src/story`, mounted here as they are in the library.
#[allow(dead_code, unused_imports)]
mod story {
    #[path = "../src/story/date.rs"]
    pub mod date;
    #[path = "../src/story/diagnostic.rs"]
    pub mod diagnostic;
    #[path = "../src/story/hostile.rs"]
    pub mod hostile;
    #[path = "../src/story/id.rs"]
    pub mod id;
    #[path = "../src/story/load.rs"]
    pub mod load;
    #[path = "../src/story/model.rs"]
    pub mod model;
    #[path = "../src/story/raw.rs"]
    pub mod raw;
    #[path = "../src/story/schema.rs"]
    pub mod schema;
    #[path = "../src/story/text.rs"]
    pub mod text;
    #[path = "../src/story/validate.rs"]
    pub mod validate;

    pub use date::{DateRange, Day, StoryDate};
    pub use diagnostic::{Diagnostic, StoryErrors};
    pub use load::load;
    pub use model::*;
    pub use text::Inline;
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("story");
    println!("cargo::rerun-if-changed={}", root.display());
    println!("cargo::rerun-if-changed=src/story");
    for folder in [root.clone(), root.join("episodes")] {
        println!("cargo::rerun-if-changed={}", folder.display());
        for entry in fs::read_dir(&folder).into_iter().flatten().flatten() {
            println!("cargo::rerun-if-changed={}", entry.path().display());
        }
    }

    let story = match story::load(&root) {
        Ok(story) => story,
        Err(errors) => {
            for diagnostic in &errors.diagnostics {
                println!("cargo::error={diagnostic}");
            }
            process::exit(1);
        }
    };
    for warning in story::load::warnings(&root) {
        println!("cargo::warning={warning}");
    }
    let bytes = postcard::to_stdvec(&story).expect("a story encodes");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).to_path_buf();
    fs::write(out.join("story.schema.json"), story::schema::generate())
        .expect("OUT_DIR is writable");
    fs::write(out.join("story.postcard"), bytes).expect("OUT_DIR is writable");
    fs::write(out.join("story.fingerprint"), &story.fingerprint).expect("OUT_DIR is writable");

    order_startup_code();
}

/// Has the linker place the functions start-up runs side by side (`src/startup.order`, written
/// by `.ci/startup-order`). Linux maps a binary's pages in whole runs of the page cache, so code
/// spread over the binary makes most of it resident: measured, this keeps about 1.7 MB of the
/// reader's 5.9 MB out. Only for release builds on x86-64 Linux, whose default linker (LLD, since
/// Rust 1.90) knows the option, and not when another linker is asked for; a name the binary no
/// longer has is skipped, so a stale list costs only the gain.
fn order_startup_code() {
    println!("cargo::rerun-if-changed=src/startup.order");
    println!("cargo::rerun-if-env-changed=CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER");
    let var = |name: &str| env::var(name).unwrap_or_default();
    let chosen_linker = var("CARGO_ENCODED_RUSTFLAGS").contains("link")
        || env::var_os("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER").is_some();
    if var("TARGET") != "x86_64-unknown-linux-gnu" || var("PROFILE") != "release" || chosen_linker {
        return;
    }
    let order = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/startup.order");
    println!(
        "cargo::rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
        order.display()
    );
    println!("cargo::rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
}
