//! The loader against random and mutated story files: it never panics, and every problem it
//! reports names the file it is in and, for anything inside a file, the line.

mod common;

use std::fs;

use proptest::prelude::*;

const FILES: [&str; 8] = [
    "story.toml",
    "characters.toml",
    "footnotes.toml",
    "editor_notes.toml",
    "locations.toml",
    "glossary.toml",
    "episodes/01-north.toml",
    "episodes/02-south.toml",
];

/// Loads the journey story with one file replaced by `content`, and checks the report.
fn load_with(file: &str, content: &[u8]) -> Result<(), TestCaseError> {
    let dir = common::journey_copy();
    fs::write(dir.path().join(file), content).unwrap();
    if let Err(errors) = izumi::story::load(dir.path()) {
        prop_assert!(!errors.diagnostics.is_empty());
        for diagnostic in &errors.diagnostics {
            let named = FILES
                .iter()
                .any(|name| diagnostic.path().ends_with(&format!("/{name}")));
            prop_assert!(named, "no file named in {diagnostic}");
            prop_assert!(
                diagnostic.position().is_some(),
                "no line in {diagnostic} (file {file}: {:?})",
                String::from_utf8_lossy(content)
            );
        }
    }
    Ok(())
}

/// A small edit to a text: delete a stretch, insert one, or repeat a stretch.
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Repeat(usize, usize),
}

fn apply(text: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut text = text.to_vec();
    for edit in edits {
        let at = |i: usize| {
            if text.is_empty() {
                0
            } else {
                i % (text.len() + 1)
            }
        };
        match edit {
            Edit::Delete(start, length) => {
                let start = at(*start);
                let end = (start + length).min(text.len());
                text.drain(start..end);
            }
            Edit::Insert(position, bytes) => {
                let position = at(*position);
                text.splice(position..position, bytes.iter().copied());
            }
            Edit::Repeat(start, length) => {
                let start = at(*start);
                let end = (start + length).min(text.len());
                let copy = text[start..end].to_vec();
                text.splice(end..end, copy);
            }
        }
    }
    text
}

fn edit() -> impl Strategy<Value = Edit> {
    // Inserted bytes lean towards what TOML and the story format care about.
    let piece = prop_oneof![
        prop::collection::vec(any::<u8>(), 1..8),
        prop::sample::select(vec![
            "\"",
            "'",
            "[",
            "]",
            "[[scene]]",
            "=",
            "\n",
            "\\",
            "\\u",
            "[^",
            "#",
            ",",
            "{",
            "}",
            "id = \"x\"",
            "date = \"",
            "1920",
            " – ",
            "\u{1b}",
            "\u{202e}",
            "\u{ff}",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
    ];
    prop_oneof![
        (any::<usize>(), 1..40usize).prop_map(|(s, l)| Edit::Delete(s, l)),
        (any::<usize>(), piece).prop_map(|(p, b)| Edit::Insert(p, b)),
        (any::<usize>(), 1..60usize).prop_map(|(s, l)| Edit::Repeat(s, l)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_in_any_file_are_reported_with_file_and_line(
        file in prop::sample::select(FILES.to_vec()),
        content in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        load_with(file, &content)?;
    }

    #[test]
    fn mutated_story_files_are_reported_with_file_and_line(
        file in prop::sample::select(FILES.to_vec()),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let original = fs::read(common::journey_dir().join(file)).unwrap();
        load_with(file, &apply(&original, &edits))?;
    }
}
