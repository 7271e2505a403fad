//! Embeds the story folder in the binary: writes `embedded_story.rs`, a table of every story file
//! with its contents, so that `izumi` shows the story on a machine with no files beside it.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("story");
    println!("cargo::rerun-if-changed={}", root.display());
    println!(
        "cargo::rerun-if-changed={}",
        root.join("episodes").display()
    );

    let mut files = Vec::new();
    for folder in ["", "episodes"] {
        let Ok(entries) = fs::read_dir(root.join(folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|ext| ext == "toml") {
                let name = path.file_name().unwrap().to_str().expect("UTF-8 file name");
                let relative = if folder.is_empty() {
                    name.to_owned()
                } else {
                    format!("{folder}/{name}")
                };
                println!("cargo::rerun-if-changed={}", path.display());
                files.push((relative, path));
            }
        }
    }
    files.sort();

    let mut code = String::from("pub static FILES: &[(&str, &str)] = &[\n");
    for (relative, path) in &files {
        writeln!(
            code,
            "    ({relative:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_story.rs");
    fs::write(out, code).unwrap();
}
