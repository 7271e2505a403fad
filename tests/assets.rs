//! `assets/` holds what a reader or author can use outside the binary: the story files' JSON
//! Schema for editors (`assets/schema/KIND.json`), the manual page (`assets/izumi.1`), and the
//! web pages' style sheet, script and icon (which the binary embeds from there). The generated
//! ones are kept in step with the build here: each is made again and compared, and
//! `IZUMI_BLESS=1 cargo test --test assets` writes them anew.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use izumi::story::{SchemaKind, schema};

fn assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets")
}

/// What each generated asset must hold, by its path under `assets/`.
fn generated() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = SchemaKind::ALL
        .into_iter()
        .map(|kind| (format!("schema/{}.json", kind.name()), schema(Some(kind))))
        .collect();
    files.push(("schema/all.json".to_owned(), schema(None)));
    let mut page = Vec::new();
    clap_mangen::Man::new(izumi::cli::Cli::command())
        .render(&mut page)
        .unwrap();
    files.push(("izumi.1".to_owned(), String::from_utf8(page).unwrap()));
    files
}

#[test]
fn the_generated_assets_are_what_this_build_makes() {
    let bless = std::env::var_os("IZUMI_BLESS").is_some();
    let mut stale = Vec::new();
    for (name, made) in generated() {
        let path = assets().join(&name);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &made).unwrap();
            continue;
        }
        if std::fs::read_to_string(&path).ok().as_deref() != Some(made.as_str()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "assets/ differs from what this build makes: {}; run `IZUMI_BLESS=1 cargo test --test \
         assets` to write them anew, and commit them",
        stale.join(", ")
    );
}

#[test]
fn the_web_pages_files_and_the_generated_ones_are_all_in_assets() {
    let mut expected: Vec<String> = generated().into_iter().map(|(name, _)| name).collect();
    expected.extend(["style.css", "follow.js", "icon.svg"].map(str::to_owned));
    expected.sort();
    let mut found = Vec::new();
    for entry in std::fs::read_dir(assets()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            for inner in std::fs::read_dir(entry.path()).unwrap().flatten() {
                found.push(format!("{name}/{}", inner.file_name().to_string_lossy()));
            }
        } else {
            found.push(name);
        }
    }
    found.sort();
    let missing: Vec<&String> = expected
        .iter()
        .filter(|name| !found.contains(name))
        .collect();
    assert!(missing.is_empty(), "missing from assets/: {missing:?}");
    assert_eq!(
        izumi::html::STYLE,
        std::fs::read_to_string(assets().join("style.css")).unwrap()
    );
}
