//! Bad input in every field of the story format, in families: empty, blank, absurd, huge and of
//! the wrong type, each beside a second problem in another file. Whatever the value, izumi
//! either loads the story or reports every problem at once, each one line, short, and placed at
//! a file, line and column; a value that makes no sense for its field is reported at its line.

mod common;

use std::fs;

/// Fields of the journey story: the file and the key whose first value is replaced.
const FIELDS: [(&str, &str); 26] = [
    ("story.toml", "title"),
    ("story.toml", "subtitle"),
    ("story.toml", "authors"),
    ("story.toml", "episodes"),
    ("story.toml", "citation"),
    ("characters.toml", "id"),
    ("characters.toml", "name"),
    ("characters.toml", "aliases"),
    ("characters.toml", "born"),
    ("characters.toml", "role"),
    ("characters.toml", "bio"),
    ("characters.toml", "certainty"),
    ("footnotes.toml", "number"),
    ("footnotes.toml", "citation"),
    ("locations.toml", "id"),
    ("locations.toml", "name"),
    ("locations.toml", "lat"),
    ("locations.toml", "lon"),
    ("glossary.toml", "term"),
    ("glossary.toml", "definition"),
    ("editor_notes.toml", "text"),
    ("episodes/01-north.toml", "title"),
    ("episodes/01-north.toml", "period"),
    ("episodes/01-north.toml", "date"),
    ("episodes/01-north.toml", "locations"),
    ("episodes/01-north.toml", "characters"),
];

/// The families of bad values, by name.
fn values() -> Vec<(&'static str, String)> {
    vec![
        ("empty", "\"\"".into()),
        ("blank", "\"   \"".into()),
        ("number", "42".into()),
        ("negative", "-1".into()),
        ("huge number", "9223372036854775807".into()),
        ("float", "1e300".into()),
        ("boolean", "true".into()),
        ("empty list", "[]".into()),
        ("list of numbers", "[1, 2]".into()),
        ("table", "{ a = 1 }".into()),
        ("absurd date", "\"32 Smarch 99999\"".into()),
        ("huge", format!("\"{}\"", "x".repeat(200_000))),
        ("huge list", format!("[{}]", "\"x\", ".repeat(20_000))),
    ]
}

/// The other problem, always there: a glossary term with a field no term has.
const OTHER: &str =
    "\n[[term]]\nid = \"other\"\nterm = \"other\"\ndefinition = \"d\"\ncolour = 1\n";

#[test]
fn every_field_with_every_family_of_bad_values_gets_short_located_messages_all_at_once() {
    let mut accepted = Vec::new();
    let mut unplaced = Vec::new();
    for (file, key) in FIELDS {
        for (family, value) in values() {
            let copy = common::journey_copy();
            let dir = copy.path();
            let path = dir.join(file);
            let text = fs::read_to_string(&path).unwrap();
            let start = text
                .lines()
                .position(|line| line.starts_with(&format!("{key} = ")))
                .unwrap_or_else(|| panic!("no {key} in {file}"));
            // Every field listed is written on one line.
            let mut lines: Vec<&str> = text.lines().collect();
            let replaced = format!("{key} = {value}");
            lines[start] = replaced.as_str();
            fs::write(&path, lines.join("\n") + "\n").unwrap();
            let glossary = dir.join("glossary.toml");
            let mut terms = fs::read_to_string(&glossary).unwrap();
            if file != "glossary.toml" {
                terms.push_str(OTHER);
                fs::write(&glossary, terms).unwrap();
            }
            let case = format!("{file} {key} = {family}");
            let Err(errors) = izumi::story::load(dir) else {
                accepted.push(case);
                continue;
            };
            let messages: Vec<String> =
                errors.diagnostics.iter().map(ToString::to_string).collect();
            for (diagnostic, message) in errors.diagnostics.iter().zip(&messages) {
                assert!(
                    diagnostic.position().is_some(),
                    "{case}: not located: {message}"
                );
                assert!(!message.contains('\n'), "{case}: {message}");
                assert!(
                    message.chars().count() <= 700,
                    "{case}: {} long",
                    message.len()
                );
            }
            if file != "glossary.toml" {
                assert!(
                    messages
                        .iter()
                        .any(|m| m.contains("glossary.toml") && m.contains("colour")),
                    "{case}: the other file's problem was not reported with it: {messages:#?}"
                );
                // No field of the format is a boolean, a table or a list of numbers: those are
                // always wrong, and said where they are written.
                let wrong_type = ["boolean", "table", "list of numbers"].contains(&family);
                let at_line = format!("{file}:{}:", start + 1);
                // An id too long to be a name is said where it is written, too.
                let huge_id = key == "id" && family == "huge";
                if (wrong_type || huge_id) && !messages.iter().any(|m| m.contains(&at_line)) {
                    unplaced.push(format!("{case}: nothing at {at_line}: {messages:?}"));
                }
            }
        }
    }
    eprintln!("accepted: {accepted:#?}");
    assert!(unplaced.is_empty(), "{unplaced:#?}");
}
